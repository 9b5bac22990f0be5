package io.servd.servctl.top;

import java.io.IOException;
import java.nio.file.Path;

/** A {@code /proc} or {@code cgroup.procs} file that does not read as the kernel writes it. */
public final class MalformedProcFileException extends IOException {

    MalformedProcFileException(Path file, String content, String reason) {
        super(reason + ": [" + content.strip() + "] in [" + file + "]");
    }
}
