package io.servd.agent.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.agent.units.UnitTree;
import io.servd.cgroup.CpuStat;
import io.servd.cgroup.fs.CgroupRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** oom-kill, throttled and pressure from a fixture cgroup tree in a temp dir, and the rules' hysteresis. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnitWatchTest {
    static final Instant T0 = Instant.parse("2026-12-02T16:25:00Z");

    @TempDir
    Path root;

    Path unit(String group) throws IOException {
        Path dir = Files.createDirectories(root.resolve(group.substring(1)));
        memoryEvents(dir, 0);
        cpuStat(dir, 0);
        psi(dir, "cpu", 0.0);
        return dir;
    }

    static void memoryEvents(Path dir, long oomKill) throws IOException {
        Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax " + oomKill + "\noom " + oomKill
                + "\noom_kill " + oomKill + "\noom_group_kill 0\n");
    }

    static void cpuStat(Path dir, long throttled) throws IOException {
        Files.writeString(dir.resolve("cpu.stat"), "usage_usec 100\nuser_usec 50\nsystem_usec 50\nnr_periods "
                + (throttled * 2) + "\nnr_throttled " + throttled + "\nthrottled_usec " + (throttled * 1000) + "\n");
    }

    static void psi(Path dir, String resource, double avg10) throws IOException {
        Files.writeString(dir.resolve(resource + ".pressure"), String.format(java.util.Locale.ROOT,
                "some avg10=%.2f avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", avg10));
    }

    UnitWatch watch(EventLog log, boolean inotify) {
        return new UnitWatch(new UnitTree(new CgroupRoot(root)), log, new UnitWatch.Settings(Duration.ofHours(1), 10, 5),
                Clock.fixed(T0, ZoneOffset.UTC), inotify);
    }

    List<Event> events(EventLog log) {
        return log.after(0, 1000).events().stream().map(EventLog.Logged::event).toList();
    }

    @Test
    void anOomKillIsAnEventWithTheDeltaAndTheTotal() throws IOException {
        Path hog = unit("/system.slice/hog.service");
        memoryEvents(hog, 2); // before servd started: the baseline, no event
        var log = new EventLog();
        var watch = watch(log, false);
        watch.sample();
        assertThat(events(log)).isEmpty();
        memoryEvents(hog, 5);
        watch.sample();
        assertThat(events(log)).containsExactly(new OomKill(T0, "hog.service", 3, 5));
        watch.sample();
        assertThat(events(log)).as("no rise, no event").hasSize(1);
    }

    @Test
    void aUnitThatAppearsLaterCountsFromZeroAndSlicesGetNoOomKill() throws IOException {
        Path slice = unit("/system.slice");
        var log = new EventLog();
        var watch = watch(log, false);
        watch.sample();
        Path late = unit("/system.slice/late.service");
        memoryEvents(late, 1);
        memoryEvents(slice, 1); // the slice counts its descendants' kills: reported once, for the unit
        watch.sample();
        assertThat(events(log)).containsExactly(new OomKill(T0, "late.service", 1, 1));
    }

    @Test
    void inotifyReportsAnOomKillWithoutWaitingForTheSample() throws Exception {
        Path hog = unit("/system.slice/hog.service");
        var log = new EventLog();
        var arrived = new LinkedBlockingQueue<Long>();
        log.follow(() -> arrived.add(log.lastId()));
        try (var watch = UnitWatch.start(new UnitTree(new CgroupRoot(root)), log,
                new UnitWatch.Settings(Duration.ofHours(1), 10, 5))) {
            memoryEvents(hog, 1);
            assertThat(arrived.poll(20, TimeUnit.SECONDS)).as("an event long before the hourly sample").isEqualTo(1);
            assertThat(events(log)).singleElement().isInstanceOf(OomKill.class)
                    .extracting(Event::unit).isEqualTo("hog.service");
            // a unit created after the start: IN_CREATE on its slice, then its own memory.events
            Path born = Files.createDirectories(root.resolve("system.slice/born.service"));
            memoryEvents(born, 0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (watch.sizeSeen() < 4 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            memoryEvents(born, 1);
            assertThat(arrived.poll(20, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(events(log).get(1).unit()).isEqualTo("born.service");
        }
    }

    @Test
    void throttledOnceWhenItStartsThenQuietReadingsRearm() {
        var rule = new ThrottleRule();
        assertThat(rule.read("a.service", t(0), T0)).as("baseline").isEmpty();
        assertThat(rule.read("a.service", t(0), T0)).isEmpty();
        var first = rule.read("a.service", t(4), T0);
        assertThat(first).hasValueSatisfying(e -> assertThat(e.throttledPeriods()).isEqualTo(4));
        assertThat(first.get().periods()).isEqualTo(8);
        assertThat(first.get().throttledTime()).isEqualTo(Duration.ofMillis(4));
        assertThat(rule.read("a.service", t(9), T0)).as("still throttled: no second event").isEmpty();
        assertThat(rule.read("a.service", t(9), T0)).isEmpty();
        assertThat(rule.read("a.service", t(9), T0)).isEmpty();
        assertThat(rule.read("a.service", t(10), T0)).as("a rise within the quiet readings: same spell").isEmpty();
        for (int i = 0; i < ThrottleRule.QUIET_READINGS; i++) {
            assertThat(rule.read("a.service", t(10), T0)).isEmpty();
        }
        assertThat(rule.throttled()).isFalse();
        assertThat(rule.read("a.service", t(11), T0)).as("a new spell").isPresent();
        assertThat(rule.read("a.service", t(1), T0)).as("counter reset: a new baseline").isEmpty();
    }

    @Test
    void pressureUpwardOnceWithHysteresisDownward() {
        var rule = new PressureRule(10, 5);
        assertThat(rule.read("a.service", "memory", 9.99, T0)).isEmpty();
        assertThat(rule.read("a.service", "memory", 10.0, T0)).hasValue(new PressureRaised(T0, "a.service", "memory", 10.0, 10));
        assertThat(rule.read("a.service", "memory", 30, T0)).isEmpty();
        assertThat(rule.read("a.service", "memory", 6, T0)).as("between clear and threshold: still high").isEmpty();
        assertThat(rule.read("a.service", "memory", 11, T0)).isEmpty();
        assertThat(rule.read("a.service", "memory", 4.99, T0)).isEmpty();
        assertThat(rule.high()).isFalse();
        assertThat(rule.read("a.service", "memory", 12, T0)).isPresent();
    }

    @Test
    void theWatchAppliesBothRulesPerUnit() throws IOException {
        Path a = unit("/system.slice/a.service");
        var log = new EventLog();
        var watch = watch(log, false);
        watch.sample();
        cpuStat(a, 3);
        psi(a, "cpu", 42.0);
        watch.sample();
        assertThat(events(log)).extracting(Event::type).containsExactlyInAnyOrder("throttled", "pressure");
        watch.sample();
        assertThat(events(log)).hasSize(2);
    }

    /** The idle cost of the watch: one full sample of 1,000 units (5 files each) on the temp dir's file system. */
    @Test
    void aSampleOfAThousandUnitsIsCheap() throws IOException {
        for (int i = 0; i < 1000; i++) {
            Path u = unit("/system.slice/u" + i + ".service");
            psi(u, "memory", 0);
            psi(u, "io", 0);
        }
        var log = new EventLog();
        var watch = watch(log, false);
        watch.sample();
        for (int i = 0; i < 20; i++) {
            watch.sample(); // warm up
        }
        int runs = 20;
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = bean.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            watch.sample();
        }
        long wallMs = (System.nanoTime() - t0) / runs / 1_000_000;
        long cpuMs = (bean.getCurrentThreadCpuTime() - cpu0) / runs / 1_000_000;
        System.out.printf("unit events: one sample of %d units: %d ms wall, %d ms cpu; at 5 s a %.2f%% cpu share%n",
                watch.size(), wallMs, cpuMs, cpuMs / 50.0);
        assertThat(watch.size()).as("-.slice, system.slice and the units").isEqualTo(1002);
        assertThat(events(log)).isEmpty();
    }

    static CpuStat.Throttling t(long throttled) {
        return new CpuStat.Throttling(throttled * 2, throttled, Duration.ofMillis(throttled));
    }
}
