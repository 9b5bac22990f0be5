package io.servd.daemon.limits;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CpuMax;
import io.servd.cgroup.EffectiveLimit;
import io.servd.daemon.limits.LimitChange.CpuLimitChanged;
import io.servd.daemon.limits.LimitChange.MemoryEvent;
import io.servd.daemon.limits.LimitChange.MemoryLimitChanged;
import io.servd.daemon.limits.LimitChange.PressureChanged;
import io.servd.daemon.limits.LimitChange.Resource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

class LimitWatcherTest {
    private static final String SERVICE = "/system.slice/foo.service";
    /** Fast enough that a test waits little; the 1 s default is tested once, below. */
    private static final Duration FAST = Duration.ofMillis(50);
    /** A poll so rare that only a notification can deliver within a test's timeout. */
    private static final Duration NEVER = Duration.ofHours(1);

    @TempDir
    Path dir;
    private LimitWatcher watcher;

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
    }

    private LimitWatcher start(CgroupTree tree, Duration interval) throws IOException {
        watcher = LimitWatcher.start(tree.self(), LimitWatcher.Settings.defaults(4).withPollInterval(interval));
        return watcher;
    }

    /** The first change of {@code type} that satisfies {@code test}, from now on. */
    private <T extends LimitChange> CompletableFuture<T> next(Class<T> type, Predicate<T> test) {
        CompletableFuture<T> found = new CompletableFuture<>();
        Consumer<LimitChange> listener = change -> {
            if (type.isInstance(change) && test.test(type.cast(change))) {
                found.complete(type.cast(change));
            }
        };
        watcher.subscribe(listener);
        found.whenComplete((c, e) -> watcher.unsubscribe(listener));
        return found;
    }

    @Test
    void readsTheCapturedLimitsAtStart() throws IOException {
        start(CgroupTree.debian12(dir), FAST);

        WatchedLimits now = watcher.current();
        // captured: CPUQuota=50% MemoryMax=64M on foo.service, no cpuset controller, 4 CPUs assumed online
        assertThat(now.cpu().quota()).contains(new EffectiveLimit<>(CpuMax.of(Duration.ofMillis(50),
                Duration.ofMillis(100)), SERVICE));
        assertThat(now.cpu().cpuset()).isEmpty();
        assertThat(now.cpu().effectiveCpus()).isEqualTo(0.5);
        assertThat(now.memory().maxBytes()).contains(ByteSize.ofMebibytes(64));
        assertThat(now.memory().highBytes()).isEmpty();
        assertThat(now.memoryEvents()).isPresent();
        assertThat(now.memoryPressure()).isPresent();
        assertThat(watcher.notified()).as("memory.events through inotify").isTrue();
    }

    @Test
    void noticesCpuMaxWithinASecondAtTheDefaultInterval() throws IOException {
        CgroupTree tree = CgroupTree.debian12(dir);
        start(tree, LimitWatcher.Settings.DEFAULT_POLL_INTERVAL);
        var changed = next(CpuLimitChanged.class, c -> c.current().effectiveCpus() == 2.0);

        tree.write(SERVICE, "cpu.max", "200000 100000\n");

        // one interval and a margin for a loaded build machine
        assertThat(changed).succeedsWithin(Duration.ofMillis(2500));
        assertThat(changed.join().previous().effectiveCpus()).isEqualTo(0.5);
        assertThat(watcher.current().cpu().effectiveCpus()).isEqualTo(2.0);
    }

    @Test
    void anAncestorsQuotaBindsWhenStricter() throws IOException {
        CgroupTree tree = CgroupTree.debian12(dir);
        start(tree, FAST);
        tree.write(SERVICE, "cpu.max", "max 100000\n");
        assertThat(next(CpuLimitChanged.class, c -> c.current().effectiveCpus() == 4.0))
                .succeedsWithin(Duration.ofSeconds(5));
        var sliced = next(CpuLimitChanged.class, c -> c.current().effectiveCpus() == 1.5);

        tree.write("/system.slice", "cpu.max", "150000 100000\n");

        assertThat(sliced).succeedsWithin(Duration.ofSeconds(5));
        assertThat(sliced.join().current().quota().orElseThrow().cgroup()).isEqualTo("/system.slice");
    }

    @Test
    void theCpusetCapsTheQuota() throws IOException {
        CgroupTree tree = CgroupTree.debian12(dir);
        start(tree, FAST);
        var pinned = next(CpuLimitChanged.class, c -> c.current().effectiveCpus() == 2.0);

        // AllowedCPUs=0-1 on the unit, CPUQuota=300%: the cpuset wins
        tree.write(SERVICE, "cpuset.cpus.effective", "0-1\n");
        tree.write(SERVICE, "cpu.max", "300000 100000\n");

        assertThat(pinned).succeedsWithin(Duration.ofSeconds(5));
        assertThat(pinned.join().current().cpuset().orElseThrow().value().formatCgroup()).isEqualTo("0-1");
        assertThat(pinned.join().describe()).contains("cpuset 0-1").contains("host 4");
    }

    @Test
    void noticesMemoryMaxAndAnAncestorsMemoryHigh() throws IOException {
        CgroupTree tree = CgroupTree.debian12(dir);
        start(tree, FAST);
        var lowered = next(MemoryLimitChanged.class, c -> c.current().maxBytes().equals(Optional.of(ByteSize.ofMebibytes(48))));

        tree.write(SERVICE, "memory.max", Long.toString(48L << 20) + "\n");

        assertThat(lowered).succeedsWithin(Duration.ofSeconds(5));
        assertThat(lowered.join().previous().maxBytes()).contains(ByteSize.ofMebibytes(64));
        var high = next(MemoryLimitChanged.class, c -> c.current().highBytes().isPresent());

        tree.write("/system.slice", "memory.high", Long.toString(40L << 20) + "\n");

        assertThat(high).succeedsWithin(Duration.ofSeconds(5));
        assertThat(high.join().current().high().orElseThrow().cgroup()).isEqualTo("/system.slice");
    }

    @Test
    void memoryEventsArriveByNotificationNotByPoll() throws IOException {
        CgroupTree tree = CgroupTree.debian12(dir);
        start(tree, NEVER);
        var killed = next(MemoryEvent.class, MemoryEvent::oom);

        tree.write(SERVICE, "memory.events", "low 0\nhigh 12\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n");

        assertThat(killed).succeedsWithin(Duration.ofSeconds(5));
        assertThat(killed.join().describe()).isEqualTo("memory events: high [+12] max [+3] oom [+1] oom_kill [+1]");
        assertThat(watcher.current().memoryEvents().orElseThrow().oomKill()).isEqualTo(1);
    }

    @Test
    void memoryHighBreachesAreCoalescedButAnOomGoesOutAtOnce() throws IOException {
        CgroupTree tree = CgroupTree.debian12(dir);
        start(tree, NEVER);
        var first = next(MemoryEvent.class, e -> true);
        tree.write(SERVICE, "memory.events", "low 0\nhigh 5\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
        assertThat(first).succeedsWithin(Duration.ofSeconds(5));
        var changes = new CopyOnWriteArrayList<LimitChange>();
        watcher.subscribe(changes::add);
        var oom = next(MemoryEvent.class, MemoryEvent::oom);

        // more memory.high breaches within the interval: held back; then an OOM kill: reported at once,
        // with the whole rise since the last report
        tree.write(SERVICE, "memory.events", "low 0\nhigh 9\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
        tree.write(SERVICE, "memory.events", "low 0\nhigh 9\nmax 1\noom 1\noom_kill 1\noom_group_kill 0\n");

        assertThat(oom).succeedsWithin(Duration.ofSeconds(5));
        assertThat(oom.join().describe()).isEqualTo("memory events: high [+4] max [+1] oom [+1] oom_kill [+1]");
        assertThat(changes).filteredOn(MemoryEvent.class::isInstance).hasSize(1);
    }

    @Test
    void pressureIsReportedOnCrossingAndOnEasingOnly() throws IOException {
        CgroupTree tree = CgroupTree.debian12(dir);
        start(tree, FAST);
        var high = next(PressureChanged.class, p -> p.resource() == Resource.MEMORY && p.high());

        tree.write(SERVICE, "memory.pressure", "some avg10=25.00 avg60=5.00 avg300=1.00 total=900000\n"
                + "full avg10=20.00 avg60=4.00 avg300=1.00 total=800000\n");

        assertThat(high).succeedsWithin(Duration.ofSeconds(5));
        // still above half the threshold: no event; then below it: eased
        var eased = next(PressureChanged.class, p -> p.resource() == Resource.MEMORY);
        tree.write(SERVICE, "memory.pressure", "some avg10=7.00 avg60=5.00 avg300=1.00 total=950000\n");
        tree.write(SERVICE, "memory.pressure", "some avg10=2.00 avg60=5.00 avg300=1.00 total=960000\n");

        assertThat(eased).succeedsWithin(Duration.ofSeconds(5));
        assertThat(eased.join().high()).isFalse();
        assertThat(eased.join().pressure().some().avg10()).isEqualTo(2.00);
    }

    @Test
    void aBrokenFileKeepsTheLastValueUntilItIsFixed() throws IOException {
        CgroupTree tree = CgroupTree.debian12(dir);
        start(tree, FAST);
        var changes = new CopyOnWriteArrayList<LimitChange>();
        watcher.subscribe(changes::add);
        var memory = next(MemoryLimitChanged.class, c -> c.current().maxBytes().isEmpty());

        tree.write(SERVICE, "cpu.max", "fifty percent\n");
        tree.write(SERVICE, "memory.max", "max\n");

        // a poll that saw memory.max saw the broken cpu.max too (written first): memory changed, cpu kept
        assertThat(memory).succeedsWithin(Duration.ofSeconds(5));
        assertThat(changes).noneMatch(CpuLimitChanged.class::isInstance);
        assertThat(watcher.current().cpu().effectiveCpus()).isEqualTo(0.5);
        var fixed = next(CpuLimitChanged.class, c -> c.current().effectiveCpus() == 1.0);

        tree.write(SERVICE, "cpu.max", "100000 100000\n");

        assertThat(fixed).succeedsWithin(Duration.ofSeconds(5));
        assertThat(fixed.join().previous().effectiveCpus()).isEqualTo(0.5);
    }

    @Test
    void aThrowingListenerDoesNotStopTheOthers() throws IOException {
        CgroupTree tree = CgroupTree.debian12(dir);
        start(tree, FAST);
        watcher.subscribe(change -> {
            throw new IllegalStateException("listener bug");
        });
        var first = next(CpuLimitChanged.class, c -> c.current().effectiveCpus() == 1.0);
        tree.write(SERVICE, "cpu.max", "100000 100000\n");
        assertThat(first).succeedsWithin(Duration.ofSeconds(5));

        var second = next(CpuLimitChanged.class, c -> c.current().effectiveCpus() == 2.0);
        tree.write(SERVICE, "cpu.max", "200000 100000\n");
        assertThat(second).succeedsWithin(Duration.ofSeconds(5));
    }

    @Test
    void subscribeReturnsTheReadingItFollows() throws IOException {
        CgroupTree tree = CgroupTree.debian12(dir);
        start(tree, FAST);

        WatchedLimits from = watcher.subscribe(change -> { });

        assertThat(from).isSameAs(watcher.current());
    }

    @Test
    void closeEndsTheThread() throws Exception {
        start(CgroupTree.debian12(dir), NEVER);
        Thread thread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(LimitWatcher.THREAD_NAME) && t.isAlive()).findFirst().orElseThrow();
        assertThat(thread.isDaemon()).isTrue();

        watcher.close();

        thread.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(thread.isAlive()).isFalse();
    }
}
