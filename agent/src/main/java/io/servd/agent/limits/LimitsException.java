package io.servd.agent.limits;

import java.util.Objects;

/** Applying limits failed; {@link #reason()} says how, for the HTTP status. The message names the value. */
public final class LimitsException extends Exception {

    /** Why applying failed. */
    public enum Reason {
        /**
         * The file system refused servd's write (cgroupfs applier): 403. A refusal by systemd is
         * {@link #AGENT_NOT_AUTHORIZED}: {@link SystemdLimitsApplier} tells which.
         */
        DENIED,
        /**
         * systemd refused servd itself, whoever asked: polkitd is not installed, or no polkit rule grants
         * servd's user {@code set-property}. The host's setup is missing, not the caller's right: 503.
         */
        AGENT_NOT_AUTHORIZED,
        /** The unit is unknown or has no cgroup: 404. */
        NO_SUCH_UNIT,
        /** This host's systemd does not know a directive ({@code MemoryZSwapMax=} before 253): 501. */
        NOT_SUPPORTED,
        /** The cgroup lacks the controller: 409. */
        CONTROLLER_NOT_ENABLED,
        /** No way to apply limits on this host: 503. */
        UNAVAILABLE,
        /** The drop-ins cannot fit on their file system; checked before anything is sent: 507. */
        NO_SPACE,
        /** systemd took the values but wrote no drop-in, and servd set the old values back: 507. */
        NOT_PERSISTED,
        /** systemd did not answer in time; it may still carry the call out: 504. */
        TIMED_OUT,
        /** Anything else (D-Bus error, write failure): 502. */
        FAILED
    }

    private final Reason reason;

    public LimitsException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
