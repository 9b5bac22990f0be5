package io.servd.daemon.pressure;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.daemon.limits.CgroupTree;
import io.servd.daemon.limits.LimitChange;
import io.servd.daemon.limits.LimitWatcher;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch thread end to end: systemd's environment, a real FIFO, a temp-dir cgroup tree and its limit watcher. */
class PressureWatchTest {
    private static final long MIB = 1024 * 1024;
    private static final String SERVICE = "/system.slice/foo.service";
    private static final Map<String, String> OFF = Map.of(PressureWatch.WATCH, "/dev/null");
    /** The watcher's poll: fast enough that a test waits little. */
    private static final Duration FAST = Duration.ofMillis(50);
    /** A poll so rare that the watcher reads the limits at start only. */
    private static final Duration NEVER = Duration.ofHours(1);

    @TempDir
    Path root;
    private final FakeRelief relief = new FakeRelief();
    private final LoadShedder shedder = new LoadShedder(
            PressureOptions.defaults().withSampleInterval(Duration.ofMillis(20)), relief, System::nanoTime);

    private static LimitWatcher watcher(CgroupTree tree, Duration interval) throws IOException {
        return LimitWatcher.start(tree.self(), LimitWatcher.Settings.defaults(4).withPollInterval(interval));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void systemdsFifoDeliversEventsThatGiveBackThenShed() throws Exception {
        Path fifo = root.resolve("memory.pressure.fifo");
        assertThat(POSIXFactory.getNativePOSIX().mkfifo(fifo.toString(), 0600)).isZero();
        var env = Map.of(PressureWatch.WATCH, fifo.toString(),
                PressureWatch.WRITE, Base64.getEncoder().encodeToString("some 200000 2000000\0".getBytes(StandardCharsets.US_ASCII)));
        try (PressureWatch watch = PressureWatch.start(shedder, env, Optional.empty(), Optional.empty());
             OutputStream systemd = Files.newOutputStream(fifo)) {
            assertThat(watch.watching()).contains(fifo);

            systemd.write('1');
            systemd.flush();
            await(() -> relief.reasons.contains("memory pressure"));
            assertThat(shedder.isShedding()).isFalse();

            systemd.write('2');
            systemd.flush();
            await(shedder::isShedding);
            assertThat(shedder.status().reason()).contains("memory pressure persists after giving back");
        }
    }

    @Test
    void anAncestorsLoweredLimitGivesBackAndShedsAndRaisingItRecovers() throws Exception {
        CgroupTree tree = CgroupTree.debian12(root); // foo.service MemoryMax=64M, system.slice unlimited
        tree.write(SERVICE, "memory.current", Long.toString(46 * MIB) + "\n"); // under 0.9 x 64 MiB
        relief.usage = 46 * MIB; // giving back frees nothing
        try (LimitWatcher limits = watcher(tree, FAST);
             PressureWatch watch = PressureWatch.start(shedder, OFF, Optional.of(limits), Optional.empty())) {
            assertThat(relief.reasons).as("64 MiB from the watcher at start, usage under high water").isEmpty();

            // a slice's limit, as `systemctl set-property --runtime system.slice MemoryMax=40M` writes it;
            // the own memory.max still says 64 MiB
            tree.write("/system.slice", "memory.max", Long.toString(40 * MIB) + "\n");

            await(shedder::isShedding);
            assertThat(relief.reasons).first().asString().isEqualTo("memory limit lowered from [64.0 MiB] to [40.0 MiB]");

            tree.write("/system.slice", "memory.max", "max\n"); // 46 MiB is under 0.75 x 64 MiB
            await(() -> !shedder.isShedding());
        }
    }

    @Test
    void theLimitsAreTheWatchersAndNeverReadHere() throws Exception {
        CgroupTree tree = CgroupTree.debian12(root);
        try (LimitWatcher limits = watcher(tree, NEVER); // read once at start: 64 MiB
             PressureWatch watch = PressureWatch.start(shedder, OFF, Optional.of(limits), Optional.empty())) {
            // the own memory.max lowered; nobody polls it now (the watcher's next poll is an hour away)
            tree.write(SERVICE, "memory.max", Long.toString(16 * MIB) + "\n");
            relief.usage = 60 * MIB;
            // written after memory.max: a sample that sees it would have seen the 16 MiB too, were it read
            tree.write(SERVICE, "memory.current", Long.toString(60 * MIB) + "\n");

            await(shedder::isShedding);
            assertThat(relief.reasons).noneMatch(r -> r.contains("lowered"))
                    .first().asString().isEqualTo("memory.current [60.0 MiB] above high water [57.6 MiB]");
            assertThat(shedder.status().reason()).contains(
                    "memory.current [60.0 MiB] above high water [57.6 MiB] after giving back");
        }
    }

    @Test
    void memoryEventsHighRisingCountsAsPressureWhenNoWatchIsOpen() throws Exception {
        CgroupTree tree = CgroupTree.debian12(root);
        try (LimitWatcher limits = watcher(tree, FAST);
             PressureWatch watch = PressureWatch.start(shedder, Map.of(), Optional.of(limits), Optional.empty())) {
            assertThat(watch.watching()).as("no PSI file, no systemd watch").isEmpty();

            // the kernel throttled us at memory.high
            tree.write(SERVICE, "memory.events", "low 0\nhigh 5\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
            await(() -> relief.reasons.contains("memory pressure"));
            assertThat(shedder.isShedding()).as("a first event only gives back").isFalse();

            tree.write(SERVICE, "memory.events", "low 0\nhigh 9\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
            await(shedder::isShedding);
            assertThat(shedder.status().reason()).contains("memory pressure persists after giving back");
        }
    }

    @Test
    void memoryEventsAreNotCountedBesideAnOpenPressureWatch() throws Exception {
        CgroupTree tree = CgroupTree.debian12(root);
        Path fifo = root.resolve("memory.pressure.fifo");
        assertThat(POSIXFactory.getNativePOSIX().mkfifo(fifo.toString(), 0600)).isZero();
        try (LimitWatcher limits = watcher(tree, FAST);
             PressureWatch watch = PressureWatch.start(shedder, Map.of(PressureWatch.WATCH, fifo.toString()),
                     Optional.of(limits), Optional.empty())) {
            var seen = new CompletableFuture<LimitChange.MemoryEvent>();
            // listeners run in order on the watcher's thread: once this one has the event, the watch's has decided
            limits.subscribe(c -> {
                if (c instanceof LimitChange.MemoryEvent e) {
                    seen.complete(e);
                }
            });

            tree.write(SERVICE, "memory.events", "low 0\nhigh 5\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");

            assertThat(seen).succeedsWithin(Duration.ofSeconds(10));
            assertThat(relief.reasons).as("the FIFO speaks for the same stalls").isEmpty();
        }
    }

    @Test
    void afterCloseTheWatchersChangesGoNowhere() throws Exception {
        CgroupTree tree = CgroupTree.debian12(root);
        try (LimitWatcher limits = watcher(tree, FAST)) {
            PressureWatch.start(shedder, OFF, Optional.of(limits), Optional.empty()).close();
            var seen = new CompletableFuture<LimitChange>();
            limits.subscribe(c -> {
                if (c instanceof LimitChange.MemoryLimitChanged) {
                    seen.complete(c);
                }
            });

            tree.write(SERVICE, "memory.max", Long.toString(MIB) + "\n");

            assertThat(seen).succeedsWithin(Duration.ofSeconds(10));
            assertThat(relief.reasons).isEmpty();
            assertThat(shedder.isShedding()).isFalse();
        }
    }

    @Test
    void withoutAWatcherOnlySystemdsWatchIsUsed() throws Exception {
        try (PressureWatch watch = PressureWatch.start(shedder, OFF, Optional.empty())) {
            assertThat(watch.watching()).isEmpty();
        }
        assertThat(relief.reasons).isEmpty();
    }

    @Test
    void withoutSystemdTheOwnPressureFileGetsTheConfiguredTrigger() throws Exception {
        Path fifo = root.resolve("own.memory.pressure");
        assertThat(POSIXFactory.getNativePOSIX().mkfifo(fifo.toString(), 0600)).isZero();
        try (PressureWatch watch = PressureWatch.start(shedder, Map.of(), Optional.empty(), Optional.of(fifo))) {
            assertThat(watch.watching()).contains(fifo);
        }
    }

    @Test
    void closingEndsTheThreadAtOnce() throws Exception {
        var slow = new LoadShedder(PressureOptions.defaults().withSampleInterval(Duration.ofHours(1)), relief,
                System::nanoTime);
        PressureWatch watch = PressureWatch.start(slow, Map.of(), Optional.empty(), Optional.empty());
        long started = System.nanoTime();

        watch.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        watch.close(); // idempotent
    }
}
