package io.servd.daemon.lifecycle;

/** Where a service is in its life, as systemd sees it through sd_notify. */
public enum State {
    /** Started, not yet serving; systemd's unit is "activating". */
    STARTING,
    /** Serving; {@code READY=1} was sent. */
    READY,
    /** Re-reading its configuration; {@code RELOADING=1} was sent. */
    RELOADING,
    /** Draining; {@code STOPPING=1} was sent. */
    STOPPING,
    /** Done; the process is about to exit. */
    STOPPED;

    /** Whether the machine may move from this state to {@code next}. */
    boolean canMoveTo(State next) {
        return switch (this) {
            case STARTING -> next == READY || next == STOPPING;
            case READY -> next == RELOADING || next == STOPPING;
            case RELOADING -> next == READY || next == STOPPING;
            case STOPPING -> next == STOPPED;
            case STOPPED -> false;
        };
    }
}
