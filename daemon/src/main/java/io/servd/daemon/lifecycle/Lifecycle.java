package io.servd.daemon.lifecycle;

import io.servd.daemon.notify.NotifyMessage;
import io.servd.daemon.notify.Notifier;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * servd's state machine, telling systemd each transition. Transitions are serialised; an illegal
 * one (e.g. READY after STOPPING) is a programming error and throws {@link IllegalStateException}.
 *
 * <p>What a failed notification means (not being under systemd is not a failure: the notifier is
 * then inactive and every call succeeds without sending):
 * <table>
 *   <caption>failure policy</caption>
 *   <tr><th>message</th><th>on failure</th><th>why</th></tr>
 *   <tr><td>{@code READY=1}</td><td>fatal: {@link #ready} throws, the caller exits non-zero</td>
 *       <td>systemd would time the start out and kill us anyway, later and less clearly</td></tr>
 *   <tr><td>{@code RELOADING=1}, {@code READY=1} after reload</td><td>warning</td>
 *       <td>the old configuration keeps serving; systemd times the reload out and reports it</td></tr>
 *   <tr><td>{@code STATUS=}</td><td>warning</td><td>cosmetic: only {@code systemctl status} shows it</td></tr>
 *   <tr><td>{@code STOPPING=1}</td><td>warning</td><td>we are stopping anyway; exiting tells systemd the rest</td></tr>
 * </table>
 */
public final class Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private final Notifier notifier;
    private State state = State.STARTING;

    public Lifecycle(Notifier notifier) {
        this.notifier = Objects.requireNonNull(notifier, "notifier");
    }

    /** The current state. */
    public synchronized State state() {
        return state;
    }

    /**
     * STARTING → READY: sends {@code READY=1} and {@code STATUS=status} in one datagram. Call only
     * once every listener accepts connections.
     *
     * @throws IOException when the notification could not be sent (fatal, see the table above);
     *                     the state stays STARTING
     */
    public synchronized void ready(String status) throws IOException {
        if (state != State.STARTING) {
            throw new IllegalStateException("illegal transition [" + state + " -> " + State.READY + "] (use reloaded)");
        }
        notifier.send(NotifyMessage.READY, new NotifyMessage.Status(status));
        state = State.READY;
        log.info("ready: {}", status);
    }

    /**
     * READY → RELOADING: sends {@code RELOADING=1} with {@code MONOTONIC_USEC=} (what
     * {@code Type=notify-reload} requires); a send failure is a warning.
     */
    public synchronized void reloading() {
        require(State.RELOADING);
        state = State.RELOADING;
        try {
            notifier.sendReloading();
        } catch (IOException e) {
            log.warn("telling systemd [RELOADING=1] failed via [{}]", notifier, e);
        }
    }

    /**
     * RELOADING → READY: sends {@code READY=1} and {@code STATUS=status}, whether or not the new
     * configuration was taken; a send failure is a warning (the old process keeps serving).
     */
    public synchronized void reloaded(String status) {
        if (state != State.RELOADING) {
            throw new IllegalStateException("illegal transition [" + state + " -> " + State.READY + "] (not reloading)");
        }
        state = State.READY;
        try {
            notifier.send(NotifyMessage.READY, new NotifyMessage.Status(status));
        } catch (IOException e) {
            log.warn("telling systemd [READY=1] after reload failed via [{}]", notifier, e);
        }
    }

    /**
     * Sends {@code EXTEND_TIMEOUT_USEC=}: systemd lets the current state (here: stopping) run
     * {@code by} longer than its timeout, counted from now; a send failure is a warning.
     */
    public synchronized void extendTimeout(Duration by) {
        try {
            notifier.send(new NotifyMessage.ExtendTimeout(by));
        } catch (IOException e) {
            log.warn("telling systemd [EXTEND_TIMEOUT_USEC] failed via [{}]", notifier, e);
        }
    }

    /** READY → STOPPING: sends {@code STOPPING=1} and {@code STATUS=status}; a send failure is a warning. */
    public synchronized void stopping(String status) {
        require(State.STOPPING);
        state = State.STOPPING;
        try {
            notifier.send(NotifyMessage.STOPPING, new NotifyMessage.Status(status));
        } catch (IOException e) {
            log.warn("telling systemd [STOPPING=1] failed via [{}]", notifier, e);
        }
        log.info("stopping: {}", status);
    }

    /** STOPPING → STOPPED; nothing is sent, the process exit tells systemd. */
    public synchronized void stopped() {
        require(State.STOPPED);
        state = State.STOPPED;
    }

    /** Sends {@code STATUS=text} without a transition; a send failure is a warning. */
    public synchronized void status(String text) {
        try {
            notifier.send(new NotifyMessage.Status(text));
        } catch (IOException e) {
            log.warn("telling systemd [STATUS={}] failed via [{}]", text, notifier, e);
        }
    }

    private void require(State next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("illegal transition [" + state + " -> " + next + "]");
        }
    }
}
