package io.servd.daemon.lifecycle;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM (systemd's stop) and SIGINT (Ctrl-C) into a request the main thread waits for, so
 * that servd drains and exits 0 itself instead of the JVM's default: run shutdown hooks, exit 143.
 * A second SIGINT while draining exits at once with status 1 (an operator who presses Ctrl-C twice
 * wants out); a repeated SIGTERM is only logged, since wrappers such as {@code timeout(1)} forward
 * one of their own and systemd escalates to SIGKILL by itself after {@code TimeoutStopSec=}.
 *
 * <p>{@code sun.misc.Signal} is the JDK's supported-but-unsupported API for this (module
 * {@code jdk.unsupported}); there is no standard replacement.
 */
public final class TerminationSignals {
    private static final Logger log = LoggerFactory.getLogger(TerminationSignals.class);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final AtomicReference<String> first = new AtomicReference<>();

    private TerminationSignals() {}

    /** Installs handlers for SIGTERM and SIGINT, replacing the JVM's. */
    public static TerminationSignals install() {
        var signals = new TerminationSignals();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> signals.received("SIG" + signal.getName()));
        }
        return signals;
    }

    void received(String name) {
        if (first.compareAndSet(null, name)) {
            log.info("received [{}]", name);
            requested.countDown();
        } else if (name.equals("SIGINT")) {
            log.warn("received [{}] while stopping after [{}]: exiting without draining", name, first.get());
            Runtime.getRuntime().halt(1);
        } else {
            log.info("received [{}] again while stopping after [{}]: still draining", name, first.get());
        }
    }

    /** Blocks until the first termination signal; returns its name, e.g. {@code SIGTERM}. */
    public String await() throws InterruptedException {
        requested.await();
        return first.get();
    }

    /** The first signal received, if any. */
    public Optional<String> received() {
        return Optional.ofNullable(first.get());
    }
}
