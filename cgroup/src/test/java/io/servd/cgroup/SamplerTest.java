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

class SamplerTest {

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
        Sampler sampler = new Sampler(clock::get);

        CgroupSample first = sampler.sample(app);
        // two seconds later: one CPU-second used, 10 of 20 periods throttled, 1 MiB read
        clock.addAndGet(2_000_000_000L);
        Files.writeString(dir.resolve("cpu.stat"), "usage_usec 2000000\nuser_usec 1600000\nsystem_usec 400000\n"
                + "nr_periods 120\nnr_throttled 20\nthrottled_usec 9000\n");
        Files.writeString(dir.resolve("io.stat"), "8:0 rbytes=1048576 wbytes=4096 rios=3 wios=1\n");
        Files.writeString(dir.resolve("memory.current"), "2097152\n");
        CgroupUsage usage = CgroupUsage.between(first, sampler.sample(app));

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
        List<CgroupSample> samples = new Sampler(() -> 1L).sample(List.of(web, web));

        assertThat(samples).hasSize(2);
        assertThat(samples.get(0).cpuPressure().orElseThrow().some().avg10()).isEqualTo(78.12);
        assertThat(samples.get(0).io().orElseThrow().devices()).hasSize(2);
    }

    @Test
    void rejectsSamplesOutOfOrderOrOfDifferentCgroups() throws IOException {
        CgroupRoot root = Fixtures.cgroupRoot("v2-service-synthetic");
        CgroupSample a = new Sampler(() -> 10L).sample(root.resolve("/system.slice/web.service"));
        CgroupSample b = new Sampler(() -> 5L).sample(root.resolve("/system.slice/web.service"));
        CgroupSample c = new Sampler(() -> 20L).sample(root.resolve("/system.slice"));

        assertThatThrownBy(() -> CgroupUsage.between(a, b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[-5 ns]");
        assertThatThrownBy(() -> CgroupUsage.between(a, c)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[/system.slice]");
    }
}
