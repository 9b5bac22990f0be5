package io.servd.daemon.lifecycle;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The signals systemd and operators send, as requests the main thread takes one at a time:
 * SIGTERM (systemd's stop) and SIGINT (Ctrl-C) ask to stop, SIGHUP ({@code systemctl reload}) to
 * reload. Handling them ourselves replaces the JVM's defaults (run shutdown hooks, exit 143/130/129),
 * so servd drains and exits 0.
 *
 * <ul>
 *   <li>A second SIGINT while stopping exits at once with status 1: an operator pressing Ctrl-C twice wants out.</li>
 *   <li>A repeated SIGTERM is only logged: wrappers such as {@code timeout(1)} forward one of their own, and
 *       systemd escalates to SIGKILL by itself after {@code TimeoutStopSec=}.</li>
 *   <li>SIGHUPs that arrive while a reload is pending collapse into that one reload.</li>
 * </ul>
 *
 * <p>{@code sun.misc.Signal} is the JDK's supported-but-unsupported API for this (module
 * {@code jdk.unsupported}); there is no standard replacement.
 */
public final class ServiceSignals {
    private static final Logger log = LoggerFactory.getLogger(ServiceSignals.class);

    /** What the main thread is asked to do. */
    public enum Request { RELOAD, STOP }

    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final AtomicReference<String> stopSignal = new AtomicReference<>();
    private final AtomicBoolean reloadPending = new AtomicBoolean();

    ServiceSignals() {}

    /** Installs handlers for SIGTERM, SIGINT and SIGHUP, replacing the JVM's. */
    public static ServiceSignals install() {
        var signals = new ServiceSignals();
        for (String name : new String[] {"TERM", "INT", "HUP"}) {
            Signal.handle(new Signal(name), signal -> signals.received("SIG" + signal.getName()));
        }
        return signals;
    }

    void received(String name) {
        if (name.equals("SIGHUP")) {
            if (stopSignal.get() == null && reloadPending.compareAndSet(false, true)) {
                log.info("received [{}]: reloading", name);
                requests.add(Request.RELOAD);
            }
        } else if (stopSignal.compareAndSet(null, name)) {
            log.info("received [{}]", name);
            requests.add(Request.STOP);
        } else if (name.equals("SIGINT")) {
            log.warn("received [{}] while stopping after [{}]: exiting without draining", name, stopSignal.get());
            Runtime.getRuntime().halt(1);
        } else {
            log.info("received [{}] again while stopping after [{}]: still draining", name, stopSignal.get());
        }
    }

    /** Blocks until the next request. After a STOP, no further request is delivered. */
    public Request next() throws InterruptedException {
        Request request = requests.take();
        if (request == Request.RELOAD) {
            reloadPending.set(false);
        }
        return request;
    }

    /** The signal that asked to stop, e.g. {@code SIGTERM}; {@code null} before one arrived. */
    public String stopSignal() {
        return stopSignal.get();
    }
}
