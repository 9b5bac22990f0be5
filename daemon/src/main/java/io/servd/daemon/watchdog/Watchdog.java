package io.servd.daemon.watchdog;

import io.servd.daemon.notify.Notifier;
import io.servd.daemon.notify.NotifyMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pings systemd's watchdog with {@code WATCHDOG=1} every half interval from one named daemon
 * thread ({@value #THREAD_NAME}), but only after a {@link LivenessProbe} answered within its
 * deadline: a stalled event loop stops the pings and systemd restarts the service after
 * {@code WatchdogSec=}.
 *
 * <p>Failure semantics: a failed ping ({@link IOException} from the notifier) is logged as a warning
 * (once per run of failures) and the next period tries again. A probe that misses its deadline is
 * not yet a stall (logged at INFO): the watchdog keeps waiting for the same probe until its last chance, one
 * eighth of the interval before systemd's deadline (last ping + interval), and pings late if the loops
 * answer by then, so one slow period (a long GC pause, a loaded host) does not get a healthy service
 * killed. A probe still unanswered at the last chance, or one that fails, withholds the ping (logged
 * once when liveness is lost and once when it returns); systemd then acts one interval after the last
 * ping. {@link #trigger()} reports a fatal internal error.
 *
 * @see <a href="https://www.freedesktop.org/software/systemd/man/latest/sd_watchdog_enabled.html">sd_watchdog_enabled(3)</a>
 */
public final class Watchdog implements AutoCloseable {

    /** The variables systemd sets for the watchdog; scrub them from children's environment. */
    public static final List<String> ENVIRONMENT_VARIABLES = List.of("WATCHDOG_USEC", "WATCHDOG_PID");
    /** Name of the pinging thread. */
    public static final String THREAD_NAME = "servd-watchdog";

    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

    private final Notifier notifier;
    private final LivenessProbe probe;
    private final Duration pingPeriod;
    private final Duration probeDeadline;
    private final long lastChanceNanos; // after the last ping: interval - interval/8
    private long lastPingNanos; // watchdog thread only, like the two below
    private final ScheduledExecutorService thread;
    private final Timing timing;
    private boolean alive = true; // these two only touched by the watchdog thread
    private boolean pingFailing;

    /**
     * The watchdog's view of time, a seam for tests ({@link #SYSTEM} in production): a monotonic
     * clock, and a bounded wait for a probe's answer.
     */
    interface Timing {
        Timing SYSTEM = new Timing() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public boolean answered(CompletableFuture<?> answer, long nanos) throws ExecutionException, InterruptedException {
                try {
                    answer.get(Math.max(0, nanos), TimeUnit.NANOSECONDS);
                    return true;
                } catch (TimeoutException e) {
                    return false;
                }
            }
        };

        long nanoTime();

        /** Whether {@code answer} completed normally within {@code nanos} (none left: only if already done). */
        boolean answered(CompletableFuture<?> answer, long nanos) throws ExecutionException, InterruptedException;
    }

    private Watchdog(Notifier notifier, LivenessProbe probe, Duration pingPeriod, Duration probeDeadline,
            ScheduledExecutorService thread, Timing timing) {
        this.notifier = notifier;
        this.probe = probe;
        this.pingPeriod = pingPeriod;
        this.probeDeadline = probeDeadline;
        long intervalNanos = pingPeriod.toNanos() * 2;
        this.lastChanceNanos = intervalNanos - intervalNanos / 8;
        this.timing = timing;
        this.lastPingNanos = timing.nanoTime(); // systemd's timer runs from the start, too
        this.thread = thread;
    }

    /** The production pinging thread: one named daemon thread. */
    private static ScheduledExecutorService namedDaemonThread() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, THREAD_NAME);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The watchdog interval systemd expects pings within, like {@code sd_watchdog_enabled(3)}.
     *
     * @param env the process environment ({@code System.getenv()} in {@code main})
     * @param pid our pid ({@code ProcessHandle.current().pid()})
     * @return empty when {@code WATCHDOG_USEC} is unset (no watchdog) or {@code WATCHDOG_PID} names
     *     another process; otherwise the interval, microsecond precision
     * @throws IllegalArgumentException if {@code WATCHDOG_USEC} is not a positive integer (of at most
     *     {@code Long.MAX_VALUE} nanoseconds) or {@code WATCHDOG_PID} not a positive pid; the message
     *     brackets the raw value
     */
    public static Optional<Duration> interval(Map<String, String> env, long pid) {
        Objects.requireNonNull(env, "env");
        String rawUsec = env.get("WATCHDOG_USEC");
        if (rawUsec == null) {
            return Optional.empty();
        }
        long usec = parsePositive("WATCHDOG_USEC", rawUsec);
        // start() works in nanoseconds: beyond Long.MAX_VALUE of them (292 years) toNanos() overflows.
        if (usec > Long.MAX_VALUE / 1000) {
            throw new IllegalArgumentException("WATCHDOG_USEC out of range [" + rawUsec + "]");
        }
        String rawPid = env.get("WATCHDOG_PID");
        if (rawPid != null && parsePositive("WATCHDOG_PID", rawPid) != pid) {
            log.debug("watchdog not ours: WATCHDOG_PID [{}] is not our pid [{}]", rawPid, pid);
            return Optional.empty();
        }
        return Optional.of(Duration.of(usec, java.time.temporal.ChronoUnit.MICROS));
    }

    private static long parsePositive(String variable, String raw) {
        // Long.parseLong also reads non-ASCII digits (Arabic-Indic, fullwidth); systemd's safe_atou64 does not.
        if (raw.chars().anyMatch(c -> c > 127)) {
            throw new IllegalArgumentException("unparseable " + variable + " [" + raw + "]");
        }
        long value;
        try {
            value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unparseable " + variable + " [" + raw + "]", e);
        }
        if (value <= 0) {
            throw new IllegalArgumentException(variable + " must be positive [" + raw + "]");
        }
        return value;
    }

    /**
     * Starts pinging every {@code interval / 2}, first at once, with a probe deadline of
     * {@code interval / 4}.
     *
     * @param interval as from {@link #interval(Map, long)}
     */
    public static Watchdog start(Duration interval, Notifier notifier, LivenessProbe probe) {
        Objects.requireNonNull(interval, "interval");
        return start(interval, interval.dividedBy(4), notifier, probe);
    }

    /**
     * Starts pinging every {@code interval / 2}, first at once.
     *
     * @param probeDeadline how long one probe may take; positive and below {@code interval / 2}
     * @throws IllegalArgumentException if {@code interval / 2} is below 1 ms or the deadline is out
     *     of range
     */
    public static Watchdog start(Duration interval, Duration probeDeadline, Notifier notifier, LivenessProbe probe) {
        return start(interval, probeDeadline, notifier, probe, Watchdog::namedDaemonThread, Timing.SYSTEM);
    }

    /**
     * {@link #start(Duration, Duration, Notifier, LivenessProbe)} pinging from {@code thread} (it
     * schedules the ticks; tests run them by hand) with {@code timing}: the seam for tests.
     */
    static Watchdog start(Duration interval, Duration probeDeadline, Notifier notifier, LivenessProbe probe,
            Supplier<ScheduledExecutorService> thread, Timing timing) {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(probeDeadline, "probeDeadline");
        Objects.requireNonNull(notifier, "notifier");
        Objects.requireNonNull(probe, "probe");
        Duration period = interval.dividedBy(2);
        if (period.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("watchdog interval below 2 ms [" + interval + "]");
        }
        if (probeDeadline.isNegative() || probeDeadline.isZero() || probeDeadline.compareTo(period) >= 0) {
            throw new IllegalArgumentException("probe deadline [" + probeDeadline
                    + "] must be positive and below half the watchdog interval [" + interval + "]");
        }
        Watchdog watchdog = new Watchdog(notifier, probe, period, probeDeadline, thread.get(), timing);
        watchdog.thread.scheduleAtFixedRate(watchdog::tick, 0, period.toNanos(), TimeUnit.NANOSECONDS);
        log.info("watchdog enabled: interval [{}], pinging every [{}] while the liveness probe answers within [{}]"
                + " (a late answer still pings until [{}] after the last ping)",
                interval, period, probeDeadline, Duration.ofNanos(watchdog.lastChanceNanos));
        return watchdog;
    }

    /** Time between pings: half the interval. */
    public Duration pingPeriod() {
        return pingPeriod;
    }

    private void tick() {
        Optional<String> failure = probeOnce();
        if (failure.isPresent()) {
            if (alive) {
                log.warn("liveness probe failed, withholding watchdog pings: {}", failure.get());
                alive = false;
            }
            return;
        }
        if (!alive) {
            log.info("liveness probe answers again, resuming watchdog pings");
            alive = true;
        }
        try {
            notifier.send(NotifyMessage.WATCHDOG);
            lastPingNanos = timing.nanoTime();
            if (pingFailing) {
                log.info("watchdog pings to [{}] go through again", notifier);
                pingFailing = false;
            }
        } catch (IOException | RuntimeException e) {
            if (!pingFailing) {
                log.warn("watchdog ping to [{}] failed, retrying every [{}]", notifier, pingPeriod, e);
                pingFailing = true;
            } else {
                log.debug("watchdog ping to [{}] failed again", notifier, e);
            }
        }
    }

    /**
     * One probe: empty when the loops answered within the probe deadline, or later but by the last
     * chance before systemd's deadline (logged); otherwise why not.
     */
    private Optional<String> probeOnce() {
        long asked = timing.nanoTime();
        try {
            CompletableFuture<?> answer = probe.probe().toCompletableFuture();
            if (!timing.answered(answer, probeDeadline.toNanos())) {
                if (!timing.answered(answer, lastPingNanos + lastChanceNanos - timing.nanoTime())) {
                    return Optional.of("no answer within [" + Duration.ofNanos(timing.nanoTime() - asked)
                            + "], the last moment before systemd's deadline");
                }
                log.info("event loops answered the liveness probe late, after [{}] (deadline [{}]); pinging anyway",
                        Duration.ofNanos(timing.nanoTime() - asked), probeDeadline);
            }
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() is stopping us
            return Optional.of("interrupted");
        } catch (RuntimeException e) { // the probe itself threw, or its stage was cancelled
            return Optional.of(e.toString());
        }
    }

    /**
     * Sends {@code WATCHDOG=trigger}: systemd treats the service as if the watchdog expired (runs
     * {@code WatchdogSignal=}, then the restart policy). For fatal internal errors. Pinging stops
     * first, so that no later ping contradicts the trigger.
     *
     * @return {@code false} if not under systemd
     * @throws IOException if the message could not be sent
     */
    public boolean trigger() throws IOException {
        thread.shutdownNow();
        return notifier.send(NotifyMessage.WATCHDOG_TRIGGER);
    }

    /** Stops pinging and waits briefly for the thread to end. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(probeDeadline.toMillis() + 100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
