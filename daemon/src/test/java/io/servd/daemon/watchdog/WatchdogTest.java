package io.servd.daemon.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servd.daemon.notify.Notifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
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
            Notifier.of(d -> sent.add(StandardCharsets.UTF_8.decode(d).toString()), () -> Duration.ZERO);

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
            awaitPings(3);

            assertThat(sent).containsOnly("WATCHDOG=1");
            assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(t -> t.getName().equals(Watchdog.THREAD_NAME))
                    .singleElement()
                    .satisfies(t -> assertThat(t.isDaemon()).isTrue());
        }
    }

    @Test
    void stalledProbeWithholdsPingsUntilItAnswersAgain() throws InterruptedException {
        AtomicBoolean stalled = new AtomicBoolean(false);
        // A stalled event loop never runs the probe task: the stage never completes.
        LivenessProbe probe = () -> stalled.get() ? new CompletableFuture<>() : CompletableFuture.completedFuture(null);
        try (Watchdog watchdog = Watchdog.start(Duration.ofMillis(200), Duration.ofMillis(20), recording, probe)) {
            assertThat(watchdog.pingPeriod()).isEqualTo(Duration.ofMillis(100));
            awaitPings(2);
            stalled.set(true);
            Thread.sleep(250); // let an in-flight tick finish
            int before = sent.size();

            Thread.sleep(500); // five periods

            assertThat(sent).hasSize(before);
            stalled.set(false);
            awaitPings(before + 2);
        }
    }

    @Test
    void lateAnswerBeforeTheLastChanceStillPings() throws InterruptedException {
        // Interval 400 ms: deadline 20 ms, last chance 350 ms after the last ping. Every probe answers
        // after 60 ms: late, but in time for systemd, so no ping is withheld.
        var delayed = CompletableFuture.delayedExecutor(60, java.util.concurrent.TimeUnit.MILLISECONDS);
        LivenessProbe slow = () -> CompletableFuture.runAsync(() -> { }, delayed);
        try (Watchdog watchdog = Watchdog.start(Duration.ofMillis(400), Duration.ofMillis(20), recording, slow)) {
            awaitPings(3);
            assertThat(sent).containsOnly("WATCHDOG=1");
        }
    }

    @Test
    void answerAfterTheLastChanceWithholdsThePing() throws InterruptedException {
        // Interval 200 ms: last chance 175 ms after the last ping; answers come after 300 ms.
        AtomicBoolean slow = new AtomicBoolean(false);
        var delayed = CompletableFuture.delayedExecutor(300, java.util.concurrent.TimeUnit.MILLISECONDS);
        LivenessProbe probe = () -> slow.get()
                ? CompletableFuture.runAsync(() -> { }, delayed) : CompletableFuture.completedFuture(null);
        try (Watchdog watchdog = Watchdog.start(Duration.ofMillis(200), Duration.ofMillis(20), recording, probe)) {
            awaitPings(2);
            slow.set(true);
            Thread.sleep(400); // let an in-flight tick finish
            int before = sent.size();

            Thread.sleep(800);

            assertThat(sent).hasSize(before);
        }
    }

    @Test
    void failingCheckCountsAsNotAlive() throws InterruptedException {
        AtomicBoolean healthy = new AtomicBoolean(false);
        BooleanSupplier check = healthy::get;
        try (Watchdog watchdog = Watchdog.start(Duration.ofMillis(100), recording, LivenessProbe.of(check))) {
            Thread.sleep(300);
            assertThat(watchdog.pingPeriod()).isEqualTo(Duration.ofMillis(50));
            assertThat(sent).isEmpty();
            healthy.set(true);
            awaitPings(1);
        }
    }

    @Test
    void failedPingIsRetriedNextPeriod() throws InterruptedException {
        List<String> attempts = new CopyOnWriteArrayList<>();
        Notifier failing = Notifier.of(d -> {
            attempts.add("ping");
            throw new java.io.IOException("ECONNREFUSED");
        }, () -> Duration.ZERO);
        try (Watchdog watchdog = Watchdog.start(Duration.ofMillis(100), failing, LivenessProbe.of(() -> true))) {
            assertThat(watchdog.pingPeriod()).isEqualTo(Duration.ofMillis(50));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (attempts.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(attempts).hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void triggerStopsPingingAndSendsWatchdogTrigger() throws Exception {
        try (Watchdog watchdog = Watchdog.start(Duration.ofMillis(100), recording, LivenessProbe.of(() -> true))) {
            awaitPings(1);
            assertThat(watchdog.trigger()).isTrue();
            Thread.sleep(200);

            assertThat(sent).last().isEqualTo("WATCHDOG=trigger");
        }
    }

    @Test
    void closeStopsPinging() throws InterruptedException {
        Watchdog watchdog = Watchdog.start(Duration.ofMillis(100), recording, LivenessProbe.of(() -> true));
        awaitPings(1);
        watchdog.close();
        int after = sent.size();
        Thread.sleep(200);
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

    private void awaitPings(int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sent.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(sent).hasSizeGreaterThanOrEqualTo(count);
    }
}
