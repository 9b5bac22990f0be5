package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class ControllerReadersTest {

    private static final CgroupDir WEB = Fixtures.cgroupRoot("v2-service-synthetic").resolve("/system.slice/web.service");
    private static final CgroupDir SLICE = Fixtures.cgroupRoot("v2-service-synthetic").resolve("/system.slice");

    @Test
    void readsCpuFiles() throws IOException {
        CpuController cpu = CpuController.of(WEB);

        assertThat(cpu.readMax()).contains(CpuMax.of(Duration.ofMillis(20), Duration.ofMillis(100)));
        assertThat(cpu.readWeight()).contains(new CpuWeight(250));
        assertThat(cpu.readIdle()).contains(false);
        CpuStat stat = cpu.readStat().orElseThrow();
        assertThat(stat.usage()).isEqualTo(Duration.ofNanos(8_417_322_000L));
        assertThat(stat.throttling()).contains(new CpuStat.Throttling(1210, 1187, Duration.ofNanos(24_117_953_000L)));
        Pressure pressure = cpu.readPressure().orElseThrow();
        assertThat(pressure.some().avg10()).isEqualTo(78.12);
        assertThat(pressure.full().orElseThrow().total()).isEqualTo(Duration.ofNanos(24_230_125_000L));
    }

    /**
     * CPUWeight=idle: Linux 6.1 shows cpu.weight 0 next to cpu.idle 1 (seen in the test-bed VM on a
     * systemd-run unit while AgentServctlIT was written). No weight then; 0 without idle is broken.
     */
    @Test
    void idleCgroupHasNoWeight(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws IOException {
        java.nio.file.Path dir = java.nio.file.Files.createDirectories(tmp.resolve("system.slice/idle.service"));
        java.nio.file.Files.writeString(dir.resolve("cpu.weight"), "0\n");
        java.nio.file.Files.writeString(dir.resolve("cpu.idle"), "1\n");
        CpuController idle = CpuController.of(new io.servd.cgroup.fs.CgroupRoot(tmp).resolve("/system.slice/idle.service"));

        assertThat(idle.readIdle()).contains(true);
        assertThat(idle.readWeight()).isEmpty();

        java.nio.file.Files.writeString(dir.resolve("cpu.idle"), "0\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(idle::readWeight)
                .isInstanceOf(MalformedCgroupFileException.class)
                .hasMessageContaining("cpu.weight").hasMessageContaining("out of range 1..10000");
    }

    @Test
    void readsMemoryFiles() throws IOException {
        MemoryController memory = MemoryController.of(WEB);

        assertThat(memory.readMax()).contains(MemoryMax.of(ByteSize.ofMebibytes(256)));
        assertThat(memory.readHigh()).contains(new MemoryHigh(Limit.atMost(ByteSize.ofMebibytes(192))));
        assertThat(memory.readCurrent()).contains(ByteSize.ofBytes(73_728_000));
        assertThat(memory.readPeak()).contains(ByteSize.ofMebibytes(256));
        assertThat(memory.readStat().orElseThrow().anon()).contains(ByteSize.ofBytes(70_123_520));
        assertThat(memory.readStat().orElseThrow().value("pgmajfault")).hasValue(27);
        assertThat(memory.readEvents()).contains(new MemoryEvents(0, 412, 57, 3, 3, OptionalLong.of(0)));
        assertThat(memory.readPressure().orElseThrow().some().avg60()).isEqualTo(0.12);
    }

    @Test
    void readsPidsAndIo() throws IOException {
        assertThat(PidsController.of(WEB).readMax()).contains(new PidsMax(Limit.atMost(512L)));
        assertThat(PidsController.of(WEB).readCurrent()).contains(23L);

        IoStat io = IoController.of(WEB).readStat().orElseThrow();
        assertThat(io.devices()).hasSize(2);
        assertThat(io.readBytes()).isEqualTo(1_459_200 + 4096);
        assertThat(io.writeBytes()).isEqualTo(314_773_504);
        assertThat(io.devices().get(0).counter("dbytes")).hasValue(0);
        // the second device line has no discard counters
        assertThat(io.devices().get(1).counter("dbytes")).isEmpty();
        assertThat(IoController.of(WEB).readPressure().orElseThrow().full()).isPresent();
    }

    @Test
    void absentFilesAreEmptyNotDefaults() throws IOException {
        // the slice directory of this fixture has only cgroup.controllers
        assertThat(CpuController.of(SLICE).readMax()).isEmpty();
        assertThat(CpuController.of(SLICE).readStat()).isEmpty();
        assertThat(MemoryController.of(SLICE).readEvents()).isEmpty();
        assertThat(PidsController.of(SLICE).readMax()).isEmpty();
        assertThat(IoController.of(SLICE).readStat()).isEmpty();
    }

    @Test
    void readsCapturedDebian12Unit() throws IOException {
        CgroupDir foo = Fixtures.cgroupRoot("debian12-systemd252").resolve("/system.slice/foo.service");

        assertThat(CpuController.of(foo).readMax()).contains(CpuMax.of(Duration.ofMillis(50), CpuMax.DEFAULT_PERIOD));
        assertThat(CpuController.of(foo).readWeight()).contains(new CpuWeight(250));
        assertThat(CpuController.of(foo).readStat().orElseThrow().throttling())
                .contains(new CpuStat.Throttling(170, 165, Duration.ofNanos(8_391_799_000L)));
        assertThat(CpuController.of(foo).readPressure().orElseThrow().some().avg10()).isEqualTo(40.07);
        assertThat(MemoryController.of(foo).readMax()).contains(MemoryMax.of(ByteSize.ofMebibytes(64)));
        assertThat(MemoryController.of(foo).readEvents()).contains(new MemoryEvents(0, 0, 0, 0, 0, OptionalLong.of(0)));
        assertThat(MemoryController.of(foo).readPeak()).isPresent();
        assertThat(PidsController.of(foo).readMax()).contains(new PidsMax(Limit.atMost(100L)));
        // the io controller is not enabled for units without IOAccounting=: absent, not zero
        assertThat(IoController.of(foo).readStat()).isEmpty();
        assertThat(IoController.of(foo).readPressure()).isPresent();
        // the root cgroup has io.stat and no limits
        CgroupDir root = Fixtures.cgroupRoot("debian12-systemd252").resolve("/");
        assertThat(IoController.of(root).readStat().orElseThrow().devices()).isNotEmpty();
        assertThat(MemoryController.of(root).readMax()).isEmpty();
    }

    @Test
    void readsCapturedHybridHostFiles() throws IOException {
        var root = Fixtures.cgroupRoot("hybrid-host");
        CgroupDir unified = new io.servd.cgroup.fs.CgroupRoot(root.mountPoint().resolve("unified")).resolve("/");
        CgroupDir cpuV1 = new io.servd.cgroup.fs.CgroupRoot(root.mountPoint().resolve("cpu")).resolve("/");
        CgroupDir memV1 = new io.servd.cgroup.fs.CgroupRoot(root.mountPoint().resolve("memory"))
                .resolve("/process_api/ca26dd8b3ebfdd05eb6b35e76e215c49");

        // root cgroup v2 cpu.stat: usage only, nice_usec ignored, no throttling keys
        CpuStat stat = CpuController.of(unified).readStat().orElseThrow();
        assertThat(stat.usage()).isEqualTo(Duration.ofNanos(55_444_416_000L));
        assertThat(stat.throttling()).isEmpty();
        assertThat(CpuController.of(unified).readPressure().orElseThrow().some().avg10()).isEqualTo(9.2);
        // v1 cpu.shares 1024 is weight 100, as systemd converts it
        assertThat(CpuController.of(cpuV1, CgroupVersion.V1).readWeight()).contains(CpuWeight.DEFAULT);
        assertThat(CpuController.of(cpuV1, CgroupVersion.V1).readStat()).isEmpty();
        assertThat(MemoryController.of(memV1, CgroupVersion.V1).readMax()).contains(MemoryMax.unlimited());
        assertThat(MemoryController.of(memV1, CgroupVersion.V1).readPeak()).contains(ByteSize.ofBytes(31_182_848));
        assertThat(MemoryController.of(memV1, CgroupVersion.V1).readHigh()).isEqualTo(Optional.empty());
    }
}
