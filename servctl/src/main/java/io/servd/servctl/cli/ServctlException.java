package io.servd.servctl.cli;

/** A servctl command failed; {@code ServctlMain} prints the message to stderr and exits with {@link #exitCode()}. */
public final class ServctlException extends Exception {

    private final int exitCode;

    public ServctlException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ServctlException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** One of {@link ExitCodes}. */
    public int exitCode() {
        return exitCode;
    }
}
