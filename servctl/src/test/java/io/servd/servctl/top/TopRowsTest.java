package io.servd.servctl.top;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupMounts;
import io.servd.cgroup.CgroupReader;
import io.servd.cgroup.CgroupSnapshot;
import io.servd.cgroup.fs.CgroupRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rows from two readings of the captured debian12-systemd252 tree (root, system.slice, foo.service with
 * CPUQuota=50%, MemoryMax=64M), the second after the counters moved by known amounts in one second.
 */
class TopRowsTest {

    static final long SECOND = 1_000_000_000L;

    @TempDir
    Path tmp;

    Path root;
    AtomicLong clock = new AtomicLong(5 * SECOND);
    Map<String, CgroupSnapshot> first;

    @BeforeEach
    void firstReading() throws IOException {
        root = Fixtures.copy("debian12-systemd252", tmp);
        first = Fixtures.sampler(root, clock, 3).read();
    }

    /** One second later: foo.service used 0.5 s of CPU, was throttled in 8 of 10 periods, grew to 32 MiB. */
    Map<String, CgroupSnapshot> secondReading() throws IOException {
        Path foo = root.resolve("system.slice/foo.service");
        Files.writeString(foo.resolve("cpu.stat"), """
                usage_usec 8900643
                user_usec 8689696
                system_usec 210946
                nr_periods 180
                nr_throttled 173
                throttled_usec 8791799
                nr_bursts 0
                burst_usec 0
                """);
        Files.writeString(foo.resolve("memory.current"), "33554432\n");
        Files.writeString(foo.resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n");
        // root io.stat: +1 MiB read, +2 MiB written on 254:0
        Files.writeString(root.resolve("io.stat"), "254:0 rbytes=44803072 wbytes=28717056 rios=1100 wios=90 dbytes=0 dios=0\n");
        clock.addAndGet(SECOND);
        return Fixtures.sampler(root, clock, 3).read();
    }

    @Test
    void readsEveryCgroupOfTheTreeInPathOrder() {
        assertThat(first.keySet()).containsExactly("/", "/system.slice", "/system.slice/foo.service");
    }

    @Test
    void ratesComeFromTheDifferenceAndGaugesFromTheSecondReading() throws IOException {
        List<TopRow> rows = TopRows.between(first, secondReading());
        TopRow foo = rows.stream().filter(r -> r.group().equals("/system.slice/foo.service")).findFirst().orElseThrow();
        assertThat(foo.cpuPercent().getAsDouble()).isCloseTo(50.0, within(1e-9));
        assertThat(foo.throttledPercent().getAsDouble()).isCloseTo(80.0, within(1e-9));
        assertThat(foo.memory()).contains(ByteSize.ofMebibytes(32));
        assertThat(foo.memoryUsedPercent().getAsDouble()).isCloseTo(50.0, within(1e-9));
        assertThat(foo.cpuQuotaPercent().getAsDouble()).isCloseTo(50.0, within(1e-9));
        assertThat(foo.tasks().getAsLong()).isEqualTo(1);
        assertThat(foo.oomKills().getAsLong()).isEqualTo(1);
        // cpu.pressure some avg10=40.07 is the highest of cpu/memory/io
        assertThat(foo.pressureAvg10().getAsDouble()).isEqualTo(40.07);
        // io controller not enabled below the root: absent, not zero
        assertThat(foo.ioReadPerSec()).isEmpty();

        TopRow top = rows.stream().filter(r -> r.group().equals("/")).findFirst().orElseThrow();
        assertThat(top.ioReadPerSec().getAsDouble()).isCloseTo(1024 * 1024, within(1e-6));
        assertThat(top.ioWritePerSec().getAsDouble()).isCloseTo(2 * 1024 * 1024, within(1e-6));
        assertThat(top.memory()).isEmpty(); // the root cgroup has no memory.current
        assertThat(top.memoryMax()).isEmpty();
    }

    @Test
    void unlimitedIsNotAbsent() throws IOException {
        TopRow slice = TopRows.between(first, secondReading()).stream()
                .filter(r -> r.group().equals("/system.slice")).findFirst().orElseThrow();
        assertThat(slice.memoryMax()).isPresent();
        assertThat(slice.memoryMax().get().limit().isUnlimited()).isTrue();
        assertThat(slice.memoryUsedPercent()).isEmpty();
        assertThat(slice.cpuMax()).isPresent();
        assertThat(slice.cpuQuotaPercent()).isEmpty();
    }

    @Test
    void aCgroupThatAppearedShowsFromTheNextRefresh() throws IOException {
        Path bar = Files.createDirectories(root.resolve("system.slice/bar.service"));
        Files.writeString(bar.resolve("cpu.stat"), "usage_usec 10\nuser_usec 5\nsystem_usec 5\n");
        Map<String, CgroupSnapshot> second = secondReading();
        assertThat(second).containsKey("/system.slice/bar.service");
        assertThat(TopRows.between(first, second)).extracting(TopRow::group).doesNotContain("/system.slice/bar.service");
    }

    @Test
    void depthLimitsTheWalk() throws IOException {
        assertThat(Fixtures.sampler(root, clock, 1).read().keySet()).containsExactly("/", "/system.slice");
        assertThat(Fixtures.sampler(root, clock, 0).read().keySet()).containsExactly("/");
    }

    @Test
    void everyOrderPutsAParentBeforeItsChildren() throws IOException {
        List<TopRow> rows = TopRows.between(first, secondReading());
        for (SortOrder order : SortOrder.values()) {
            assertThat(order.sort(rows, TopView.defaults().withOrder(order))).extracting(TopRow::group)
                    .as(order.label()).containsExactly("/", "/system.slice", "/system.slice/foo.service");
        }
    }

    @Test
    void cpuTimeIsTheTotalOfTheLaterReading() throws IOException {
        TopRow foo = TopRows.between(first, secondReading()).stream()
                .filter(r -> r.group().equals("/system.slice/foo.service")).findFirst().orElseThrow();
        assertThat(foo.cpuTime()).contains(java.time.Duration.ofNanos(8_900_643_000L));
    }

    /** servctl top reads {@link TopRows#FILES} only: its rows are what a full reading of every file gives. */
    @ParameterizedTest
    @ValueSource(strings = {"debian12-systemd252", "debian12-slice-limited", "hybrid-host", "legacy-limited",
        "unified-nested"})
    void theFilesTopReadsAreAllItsRowsNeed(String scenario) throws IOException {
        Path tree = Fixtures.copy(scenario, tmp.resolve("all"));
        CgroupMounts mounts = CgroupMounts.detect(new CgroupRoot(tree));
        AtomicLong at = new AtomicLong(SECOND);
        var full = new TopSampler(mounts, new CgroupReader(at::get), 3);
        var shown = new TopSampler(mounts, new CgroupReader(at::get, TopRows.FILES), 3);
        Map<String, CgroupSnapshot> fullBefore = full.read();
        Map<String, CgroupSnapshot> shownBefore = shown.read();
        at.addAndGet(SECOND);

        List<TopRow> rows = TopRows.between(shownBefore, shown.read());

        assertThat(rows).hasSizeGreaterThan(1).isEqualTo(TopRows.between(fullBefore, full.read()));
    }
}
