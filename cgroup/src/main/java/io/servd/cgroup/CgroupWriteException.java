package io.servd.cgroup;

import java.nio.file.Path;

/**
 * A planned write could not be validated, carried out or verified. The message names the file and
 * the value in brackets and tells whether earlier writes were restored; restore failures are attached
 * as suppressed exceptions.
 */
public final class CgroupWriteException extends CgroupException {

    private final Path file;
    private final String value;

    CgroupWriteException(Path file, String value, String problem, Throwable cause) {
        super(problem + ": [" + value + "] to [" + file + "]"
                + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
        this.file = file;
        this.value = value;
    }

    /** The file that failed. */
    public Path file() {
        return file;
    }

    /** The value that was to be written. */
    public String value() {
        return value;
    }
}
