package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one reader: v2 directories, v1 and hybrid trees, and the three states (unlimited, absent, broken). */
class CgroupReaderTest {

    @Test
    void twoSamplesGiveCgtopStyleUsage(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("app.service"));
        Files.writeString(dir.resolve("cpu.stat"), "usage_usec 1000000\nuser_usec 800000\nsystem_usec 200000\n"
                + "nr_periods 100\nnr_throttled 10\nthrottled_usec 5000\n");
        Files.writeString(dir.resolve("io.stat"), "8:0 rbytes=0 wbytes=4096 rios=0 wios=1\n");
        Files.writeString(dir.resolve("memory.current"), "1048576\n");
        Files.writeString(dir.resolve("pids.current"), "7\n");
        CgroupDir app = new CgroupRoot(tmp).resolve("/app.service");
        AtomicLong clock = new AtomicLong(5_000_000_000L);
        CgroupReader reader = new CgroupReader(clock::get);

        CgroupSnapshot first = reader.read(app);
        // two seconds later: one CPU-second used, 10 of 20 periods throttled, 1 MiB read
        clock.addAndGet(2_000_000_000L);
        Files.writeString(dir.resolve("cpu.stat"), "usage_usec 2000000\nuser_usec 1600000\nsystem_usec 400000\n"
                + "nr_periods 120\nnr_throttled 20\nthrottled_usec 9000\n");
        Files.writeString(dir.resolve("io.stat"), "8:0 rbytes=1048576 wbytes=4096 rios=3 wios=1\n");
        Files.writeString(dir.resolve("memory.current"), "2097152\n");
        CgroupUsage usage = CgroupUsage.between(first, reader.read(app));

        assertThat(usage.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(usage.cpuPercent()).hasValue(50.0);
        assertThat(usage.throttledPercent()).hasValue(50.0);
        assertThat(usage.ioReadBytesPerSec()).hasValue(524288.0);
        assertThat(usage.ioWriteBytesPerSec()).hasValue(0.0);
        assertThat(usage.memory()).contains(ByteSize.ofMebibytes(2));
        assertThat(usage.tasks()).hasValue(7);
        // PSI files absent in this directory: empty, not zero
        assertThat(usage.cpuPressureAvg10()).isEmpty();
    }

    @Test
    void samplesTheSyntheticServiceFixture() throws IOException {
        CgroupDir web = Fixtures.cgroupRoot("v2-service-synthetic").resolve("/system.slice/web.service");
        List<CgroupSnapshot> samples = new CgroupReader(() -> 1L).read(List.of(web, web));

        assertThat(samples).hasSize(2);
        assertThat(samples.get(0).usage().cpuPressure().orElseThrow().some().avg10()).isEqualTo(78.12);
        assertThat(samples.get(0).usage().io().orElseThrow().devices()).hasSize(2);
    }

    @Test
    void rejectsSamplesOutOfOrderOrOfDifferentCgroups() throws IOException {
        CgroupRoot root = Fixtures.cgroupRoot("v2-service-synthetic");
        CgroupSnapshot a = new CgroupReader(() -> 10L).read(root.resolve("/system.slice/web.service"));
        CgroupSnapshot b = new CgroupReader(() -> 5L).read(root.resolve("/system.slice/web.service"));
        CgroupSnapshot c = new CgroupReader(() -> 20L).read(root.resolve("/system.slice"));

        assertThatThrownBy(() -> CgroupUsage.between(a, b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[-5 ns]");
        assertThatThrownBy(() -> CgroupUsage.between(a, c)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[/system.slice]");
    }

    @Test
    void readsLimitsAndUsageOfOneDirectoryKeepingUnlimitedAndAbsentApart() {
        CgroupSnapshot web = new CgroupReader(() -> 7L).read(
                Fixtures.cgroupRoot("v2-service-synthetic").resolve("/system.slice/web.service"));

        assertThat(web.group()).isEqualTo("/system.slice/web.service");
        assertThat(web.nanoTime()).isEqualTo(7L);
        assertThat(web.errors()).isEmpty();
        assertThat(web.limits().memoryMax()).contains(MemoryMax.of(ByteSize.ofMebibytes(256)));
        assertThat(web.limits().memoryHigh()).contains(new MemoryHigh(Limit.atMost(ByteSize.ofMebibytes(192))));
        assertThat(web.usage().memoryCurrent()).contains(ByteSize.ofBytes(73_728_000));
        assertThat(web.usage().memoryPeak()).contains(ByteSize.ofMebibytes(256));
        // v1-only counter: absent on a v2 directory
        assertThat(web.usage().cpuacctUsage()).isEmpty();
    }

    @Test
    void aBrokenFileIsAnErrorNamingTheFileAndRawValueWhileTheOthersAreStillRead(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("app.service"));
        Files.writeString(dir.resolve("memory.max"), "lots\n");
        Files.writeString(dir.resolve("pids.max"), "max\n");
        Files.writeString(dir.resolve("memory.current"), "4096\n");

        CgroupSnapshot s = new CgroupReader(() -> 1L).read(new CgroupRoot(tmp).resolve("/app.service"));

        assertThat(s.limits().memoryMax()).isEmpty();
        assertThat(s.limits().pidsMax()).contains(new PidsMax(Limit.unlimited()));
        assertThat(s.usage().memoryCurrent()).contains(ByteSize.ofBytes(4096));
        assertThat(s.errors()).singleElement().isInstanceOf(MalformedCgroupFileException.class)
                .extracting(Throwable::getMessage).asString()
                .contains("[lots]").contains("[" + dir.resolve("memory.max") + "]");
        assertThatThrownBy(s::ensureReadable).isSameAs(s.errors().get(0));
    }

    @Test
    void readsAHybridHostFromV1WhereCgroup2LacksTheController() throws IOException {
        CgroupMounts mounts = CgroupMounts.detect(Fixtures.cgroupRoot("hybrid-host"));
        assertThat(mounts.layout()).isEqualTo(CgroupLayout.HYBRID);
        CgroupReader reader = new CgroupReader(() -> 1L);

        CgroupSnapshot root = reader.read(mounts, "/");
        // v1 "unlimited" (LONG_MAX rounded down to a page) and cfs_quota_us -1 are Unlimited, not absent
        assertThat(root.limits().memoryMax()).contains(MemoryMax.unlimited());
        assertThat(root.limits().cpuMax().orElseThrow().quota().isUnlimited()).isTrue();
        assertThat(root.usage().memoryCurrent()).isPresent();
        // cgroup2 has cpu.stat even without the cpu controller: no need for cpuacct.usage
        assertThat(root.usage().cpu()).isPresent();
        assertThat(root.usage().cpuacctUsage()).isEmpty();
        assertThat(root.errors()).isEmpty();

        CgroupSnapshot api = reader.read(mounts, "/process_api");
        assertThat(api.usage().cpu()).isEmpty();
        assertThat(api.usage().memoryCurrent()).isPresent();
        assertThat(api.limits().memoryMax()).contains(MemoryMax.unlimited());
    }

    @Test
    void readsCpuacctUsageOnALegacyTree(@TempDir Path tmp) throws IOException {
        Files.createDirectories(tmp.resolve("cpuacct/app"));
        Files.writeString(tmp.resolve("cpuacct/app/cpuacct.usage"), "2500000000\n");
        Files.writeString(tmp.resolve("cpuacct/cpuacct.usage"), "12x\n");
        CgroupMounts mounts = CgroupMounts.detect(new CgroupRoot(tmp));
        assertThat(mounts.layout()).isEqualTo(CgroupLayout.LEGACY);
        CgroupReader reader = new CgroupReader(() -> 1L);

        assertThat(reader.read(mounts, "/app").usage().cpuacctUsage()).contains(Duration.ofMillis(2500));
        assertThat(reader.read(mounts, "/").errors()).singleElement().extracting(Throwable::getMessage).asString()
                .startsWith("expected nanoseconds: [12x] in [");
    }
}
