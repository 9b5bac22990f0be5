package io.servd.it;

import java.util.List;

/**
 * What a command run in the guest through qemu-guest-agent produced.
 *
 * @param argv the command as run in the guest
 * @param exitCode the guest process's exit code; 128+N when killed by signal N, 124 when it ran
 *     past its timeout (coreutils {@code timeout} wraps every command)
 */
public record GuestResult(List<String> argv, int exitCode, String stdout, String stderr) {

    public GuestResult {
        argv = List.copyOf(argv);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** Returns this result, or throws naming the command, its exit code and its output. */
    public GuestResult orThrow() {
        if (!succeeded()) {
            throw new AssertionError(describe());
        }
        return this;
    }

    public String describe() {
        return "guest command " + argv + " exited [" + exitCode + "]\n--- stdout ---\n" + stdout
                + "\n--- stderr ---\n" + stderr;
    }
}
