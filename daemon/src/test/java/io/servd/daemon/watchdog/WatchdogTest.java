package io.servd.daemon.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servd.daemon.notify.Notifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WatchdogTest {

    private static final long PID = 4242;
    /** Wide margins: the build machines are shared and slow. */
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final Notifier recording =
            Notifier.of(d -> record(sent, StandardCharsets.UTF_8.decode(d).toString()), () -> Duration.ZERO);
    private final FakeTiming time = new FakeTiming();
    private final ManualTicks ticks = new ManualTicks(time);

    private static Map<String, String> env(String usec, String pid) {
        Map<String, String> env = new HashMap<>();
        if (usec != null) {
            env.put("WATCHDOG_USEC", usec);
        }
        if (pid != null) {
            env.put("WATCHDOG_PID", pid);
        }
        return env;
    }

    @ParameterizedTest(name = "WATCHDOG_USEC={0} WATCHDOG_PID={1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # WATCHDOG_USEC | WATCHDOG_PID | expected
            30000000        | -            | PT30S
            30000000        | 4242         | PT30S
            1               | -            | PT0.000001S
            # watchdog meant for another process (e.g. our parent's)
            30000000        | 1            | none
            # no watchdog
            -               | -            | none
            -               | 4242         | none
            """)
    void readsInterval(String usec, String pid, String expected) {
        assertThat(Watchdog.interval(env(usec, pid), PID).map(Duration::toString).orElse("none"))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "WATCHDOG_USEC={0} WATCHDOG_PID={1}")
    @CsvSource(delimiter = '|', nullValues = "-", quoteCharacter = '"', textBlock = """
            # WATCHDOG_USEC        | WATCHDOG_PID | message fragment
            0                      | -            | WATCHDOG_USEC must be positive [0]
            -5                     | -            | WATCHDOG_USEC must be positive [-5]
            5s                     | -            | unparseable WATCHDOG_USEC [5s]
            ""                     | -            | unparseable WATCHDOG_USEC []
            # USEC_INFINITY does not fit a signed 64-bit value either: rejected like sd_watchdog_enabled
            18446744073709551615   | -            | unparseable WATCHDOG_USEC [18446744073709551615]
            30000000               | pid1         | unparseable WATCHDOG_PID [pid1]
            30000000               | 0            | WATCHDOG_PID must be positive [0]
            """)
    void rejectsBrokenVariables(String usec, String pid, String fragment) {
        assertThatThrownBy(() -> Watchdog.interval(env(usec, pid), PID))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(fragment);
    }

    @Test
    void pingsFromOneNamedDaemonThreadWhileAlive() throws InterruptedException {
        try (Watchdog watchdog = Watchdog.start(Duration.ofMillis(100), recording, LivenessProbe.of(() -> true))) {
            assertThat(watchdog.pingPeriod()).isEqualTo(Duration.ofMillis(50));
            awaitSize(sent, 3);

            assertThat(sent).containsOnly("WATCHDOG=1");
            assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(t -> t.getName().equals(Watchdog.THREAD_NAME))
                    .singleElement()
                    .satisfies(t -> assertThat(t.isDaemon()).isTrue());
        }
    }

    @Test
    void stalledProbeWithholdsPingsUntilItAnswersAgain() {
        AtomicBoolean stalled = new AtomicBoolean(false);
        // A stalled event loop never runs the probe task: the stage never completes.
        LivenessProbe probe = () -> stalled.get() ? new CompletableFuture<>() : CompletableFuture.completedFuture(null);
        try (Watchdog watchdog = Watchdog.start(Duration.ofMillis(200), Duration.ofMillis(20), recording, probe,
                () -> ticks, time)) {
            assertThat(watchdog.pingPeriod()).isEqualTo(Duration.ofMillis(100));
            ticks.run(2);
            assertThat(sent).hasSize(2);
            stalled.set(true);
            int before = sent.size();

            ticks.run(5); // five periods

            assertThat(sent).hasSize(before);
            stalled.set(false);
            ticks.run(2);
            assertThat(sent).hasSize(before + 2);
        }
    }

    @Test
    void lateAnswerBeforeTheLastChanceStillPings() {
        // Interval 400 ms: deadline 20 ms, last chance 350 ms after the last ping. Every probe answers
        // after 60 ms: late, but in time for systemd, so no ping is withheld.
        LivenessProbe slow = () -> time.completesAfter(Duration.ofMillis(60));
        try (Watchdog watchdog = Watchdog.start(Duration.ofMillis(400), Duration.ofMillis(20), recording, slow,
                () -> ticks, time)) {
            ticks.run(3);
            assertThat(sent).hasSize(3).containsOnly("WATCHDOG=1");
        }
    }

    @Test
    void answerAfterTheLastChanceWithholdsThePing() {
        // Interval 200 ms: last chance 175 ms after the last ping; answers come after 300 ms.
        AtomicBoolean slow = new AtomicBoolean(false);
        LivenessProbe probe = () -> slow.get()
                ? time.completesAfter(Duration.ofMillis(300)) : CompletableFuture.completedFuture(null);
        try (Watchdog watchdog = Watchdog.start(Duration.ofMillis(200), Duration.ofMillis(20), recording, probe,
                () -> ticks, time)) {
            ticks.run(2);
            assertThat(sent).hasSize(2);
            slow.set(true);
            int before = sent.size();

            ticks.run(8);

            assertThat(sent).hasSize(before);
        }
    }

    @Test
    void failingCheckCountsAsNotAlive() {
        AtomicBoolean healthy = new AtomicBoolean(false);
        BooleanSupplier check = healthy::get;
        try (Watchdog watchdog = Watchdog.start(Duration.ofMillis(100), Duration.ofMillis(25), recording,
                LivenessProbe.of(check), () -> ticks, time)) {
            ticks.run(6);
            assertThat(watchdog.pingPeriod()).isEqualTo(Duration.ofMillis(50));
            assertThat(sent).isEmpty();
            healthy.set(true);
            ticks.run(1);
            assertThat(sent).containsExactly("WATCHDOG=1");
        }
    }

    @Test
    void failedPingIsRetriedNextPeriod() throws InterruptedException {
        List<String> attempts = new CopyOnWriteArrayList<>();
        Notifier failing = Notifier.of(d -> {
            record(attempts, "ping");
            throw new java.io.IOException("ECONNREFUSED");
        }, () -> Duration.ZERO);
        try (Watchdog watchdog = Watchdog.start(Duration.ofMillis(100), failing, LivenessProbe.of(() -> true))) {
            assertThat(watchdog.pingPeriod()).isEqualTo(Duration.ofMillis(50));
            awaitSize(attempts, 3);
            assertThat(attempts).hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void triggerStopsPingingAndSendsWatchdogTrigger() throws Exception {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
        try (Watchdog watchdog = Watchdog.start(Duration.ofMillis(100), Duration.ofMillis(25), recording,
                LivenessProbe.of(() -> true), () -> thread, Watchdog.Timing.SYSTEM)) {
            awaitSize(sent, 1);
            assertThat(watchdog.trigger()).isTrue();
            assertThat(thread.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("pinging stopped").isTrue();

            assertThat(sent).last().isEqualTo("WATCHDOG=trigger");
        }
    }

    @Test
    void closeStopsPinging() throws InterruptedException {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
        Watchdog watchdog = Watchdog.start(Duration.ofMillis(100), Duration.ofMillis(25), recording,
                LivenessProbe.of(() -> true), () -> thread, Watchdog.Timing.SYSTEM);
        awaitSize(sent, 1);
        watchdog.close();
        int after = sent.size();
        // once the pinging thread has ended nothing can ping any more: no need to wait and see
        assertThat(thread.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("pinging stopped").isTrue();
        assertThat(sent).hasSize(after);
    }

    @Test
    void rejectsUnusableTiming() {
        LivenessProbe ok = LivenessProbe.of(() -> true);
        assertThatThrownBy(() -> Watchdog.start(Duration.ofNanos(1_999_999), recording, ok))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below 2 ms [PT0.001999999S]");
        assertThatThrownBy(() -> Watchdog.start(Duration.ofSeconds(10), Duration.ofSeconds(5), recording, ok))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("probe deadline [PT5S]");
    }

    /** Adds to {@code list} and wakes {@link #awaitSize} (what the notifiers under test call). */
    private static void record(List<String> list, String message) {
        list.add(message);
        synchronized (list) {
            list.notifyAll();
        }
    }

    /** Waits (at most {@link #WAIT}) until {@code list} holds {@code count} messages. */
    private static void awaitSize(List<String> list, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (list) {
            for (long left = WAIT.toNanos(); list.size() < count && left > 0; left = deadline - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(list, left);
            }
        }
        assertThat(list).hasSizeGreaterThanOrEqualTo(count);
    }

    /**
     * Time that moves only when the watchdog waits for an answer or a tick is due: answers complete
     * at chosen instants of it, so the timing rules are checked exactly and at once.
     */
    private static final class FakeTiming implements Watchdog.Timing {
        private long now;
        private final TreeMap<Long, List<Runnable>> due = new TreeMap<>();

        /** A probe answer that completes {@code delay} from now. */
        CompletableFuture<Void> completesAfter(Duration delay) {
            CompletableFuture<Void> answer = new CompletableFuture<>();
            due.computeIfAbsent(now + delay.toNanos(), k -> new ArrayList<>()).add(() -> answer.complete(null));
            return answer;
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public boolean answered(CompletableFuture<?> answer, long nanos) throws ExecutionException, InterruptedException {
            advance(now + Math.max(0, nanos), answer);
            if (!answer.isDone()) {
                return false;
            }
            answer.get();
            return true;
        }

        /** Moves to {@code instant} (never back), completing what falls due; stops early once {@code until} is done. */
        void advance(long instant, CompletableFuture<?> until) {
            while (until == null || !until.isDone()) {
                Map.Entry<Long, List<Runnable>> next = due.firstEntry();
                if (next == null || next.getKey() > instant) {
                    now = Math.max(now, instant);
                    return;
                }
                due.pollFirstEntry();
                now = Math.max(now, next.getKey());
                next.getValue().forEach(Runnable::run);
            }
        }
    }

    /**
     * The watchdog thread, by hand: keeps the fixed-rate tick the watchdog schedules and runs it when
     * {@link FakeTiming} reaches each period (at once when a tick overran, as a fixed rate does).
     */
    private static final class ManualTicks extends ScheduledThreadPoolExecutor {
        private final FakeTiming time;
        private Runnable tick;
        private long next;
        private long period;

        ManualTicks(FakeTiming time) {
            super(1);
            this.time = time;
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            this.tick = command;
            this.next = time.nanoTime() + unit.toNanos(initialDelay);
            this.period = unit.toNanos(period);
            return schedule(() -> { }, 1, TimeUnit.DAYS); // a handle only: the ticks are run by run(int)
        }

        /** Runs the next {@code count} ticks. */
        void run(int count) {
            for (int i = 0; i < count; i++) {
                time.advance(next, null);
                tick.run();
                next += period;
            }
        }
    }
}
