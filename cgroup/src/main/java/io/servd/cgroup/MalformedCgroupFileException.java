package io.servd.cgroup;

import java.nio.file.Path;

/**
 * A kernel file (cgroup interface file, {@code /proc/<pid>/cgroup}, mountinfo) held content we cannot
 * parse. The message names the reason, the raw content in brackets and the file.
 */
public final class MalformedCgroupFileException extends CgroupException {

    private final Path file;
    private final String content;

    MalformedCgroupFileException(Path file, String content, String reason) {
        super(reason + ": [" + content.strip() + "] in [" + file + "]");
        this.file = file;
        this.content = content;
    }

    /** The file that held the content. */
    public Path file() {
        return file;
    }

    /** The raw offending content (a whole file, or one line of it). */
    public String content() {
        return content;
    }
}
