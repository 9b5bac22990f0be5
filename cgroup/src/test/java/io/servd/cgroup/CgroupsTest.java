package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CgroupsTest {

    private static final String DOCKER_ID = "/docker/4b1c6a2f0e9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa99";
    private static final String K8S = "/kubepods.slice/kubepods-burstable.slice/pod8f0e.slice/cri-containerd:9a1b2c";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # scenario          | layout  | path
            # captured on this build machine: v1 controllers + controller-less cgroup2 at /sys/fs/cgroup/unified
            hybrid-host         | HYBRID  | /
            legacy-limited      | LEGACY  | /system.slice/servd.service
            unified-nested      | UNIFIED | /system.slice/servd.service
            # the host's 0:: line is visible, but no cgroup2 is mounted in the container
            docker-v1-bindmount | LEGACY  | /docker/4b1c6a2f0e9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa99
            k8s-colon-path      | UNIFIED | /kubepods.slice/kubepods-burstable.slice/pod8f0e.slice/cri-containerd:9a1b2c
            escaped-bindmount   | UNIFIED | /user.slice/my app.scope/sub
            # captured in the test VM (Debian 12, systemd 252)
            debian12-systemd252    | UNIFIED | /system.slice/foo.service
            debian12-slice-limited | UNIFIED | /servd.slice/servd-test.slice/bar.service
            """)
    void discoversLayoutAndPath(String scenario, CgroupLayout layout, String path) throws IOException {
        ProcessCgroup self = Cgroups.self(Fixtures.procFs(scenario), Fixtures.cgroupRoot(scenario));

        assertThat(self.layout()).isEqualTo(layout);
        assertThat(self.path()).isEqualTo(path);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # scenario          | expected description
            hybrid-host         | no cpu or memory limit applies
            legacy-limited      | cpu [1.5 cpus from /system.slice/servd.service] memory [64.0 MiB from /system.slice]
            unified-nested      | cpu [1.5 cpus from /system.slice/servd.service] memory [64.0 MiB from /system.slice]
            docker-v1-bindmount | cpu [2 cpus from /docker/4b1c6a2f0e9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa99] memory [512.0 MiB from /docker/4b1c6a2f0e9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa99]
            k8s-colon-path      | cpu [2.5 cpus from /kubepods.slice/kubepods-burstable.slice/pod8f0e.slice/cri-containerd:9a1b2c] memory [256.0 MiB from /kubepods.slice/kubepods-burstable.slice/pod8f0e.slice/cri-containerd:9a1b2c]
            # a space escaped as \\040 in the mountinfo root field; the limit of the mount root applies
            escaped-bindmount   | cpu [0.5 cpus from /user.slice/my app.scope] memory [1.0 MiB from /user.slice/my app.scope/sub]
            # captured in the test VM: CPUQuota=50% MemoryMax=64M on the unit
            debian12-systemd252 | cpu [0.5 cpus from /system.slice/foo.service] memory [64.0 MiB from /system.slice/foo.service]
            # captured: CPUQuota=150% on the unit, MemoryMax=32M CPUQuota=300% on its parent slice
            debian12-slice-limited | cpu [1.5 cpus from /servd.slice/servd-test.slice/bar.service] memory [32.0 MiB from /servd.slice/servd-test.slice]
            """)
    void describesEffectiveLimits(String scenario, String expected) throws IOException {
        EffectiveLimits limits = Cgroups.self(Fixtures.procFs(scenario), Fixtures.cgroupRoot(scenario)).effectiveLimits();

        assertThat(limits.describe()).isEqualTo(expected);
    }

    @Test
    void hybridHostReadsV1FilesAsUnlimitedNotAbsent() throws IOException {
        ProcessCgroup self = Cgroups.self(Fixtures.procFs("hybrid-host"), Fixtures.cgroupRoot("hybrid-host"));
        EffectiveLimits limits = self.effectiveLimits();

        assertThat(self.version(Controller.MEMORY)).contains(CgroupVersion.V1);
        assertThat(self.directory(Controller.MEMORY).orElseThrow().group())
                .isEqualTo("/process_api/ca26dd8b3ebfdd05eb6b35e76e215c49");
        // memory.limit_in_bytes = 9223372036854771712 everywhere: unlimited, named at the deepest cgroup
        assertThat(limits.memory()).contains(new EffectiveLimit<>(MemoryMax.unlimited(),
                "/process_api/ca26dd8b3ebfdd05eb6b35e76e215c49"));
        // cpu.cfs_quota_us = -1 at the root
        assertThat(limits.cpu()).contains(new EffectiveLimit<>(CpuMax.unlimited(CpuMax.DEFAULT_PERIOD), "/"));
        assertThat(limits.cpus()).isEmpty();
        assertThat(limits.availableCpus(2)).isEqualTo(2.0);
    }

    @Test
    void unifiedNestedKeepsOriginOfEachLimit() throws IOException {
        EffectiveLimits limits = Cgroups.self(Fixtures.procFs("unified-nested"), Fixtures.cgroupRoot("unified-nested"))
                .effectiveLimits();

        assertThat(limits.cpu()).contains(new EffectiveLimit<>(
                CpuMax.of(Duration.ofMillis(150), Duration.ofMillis(100)), "/system.slice/servd.service"));
        assertThat(limits.memory()).contains(new EffectiveLimit<>(
                MemoryMax.of(ByteSize.ofMebibytes(64)), "/system.slice"));
        assertThat(limits.cpus()).hasValue(1.5);
        assertThat(limits.availableCpus(8)).isEqualTo(1.5);
        assertThat(limits.availableCpus(1)).isEqualTo(1.0);
        assertThat(limits.memoryBytes()).contains(ByteSize.ofMebibytes(64));
    }

    @Test
    void effectivePidsAndMemoryHighAndControllerReaders() throws IOException {
        ProcessCgroup self = Cgroups.self(Fixtures.procFs("debian12-systemd252"), Fixtures.cgroupRoot("debian12-systemd252"));

        assertThat(self.effectivePidsMax()).contains(new EffectiveLimit<>(new PidsMax(Limit.atMost(100L)), "/system.slice/foo.service"));
        assertThat(self.effectiveMemoryHigh()).contains(new EffectiveLimit<>(new MemoryHigh(Limit.unlimited()), "/system.slice/foo.service"));
        assertThat(self.cpu().orElseThrow().readStat()).isPresent();
        assertThat(self.memory().orElseThrow().readCurrent()).isPresent();
        assertThat(self.pids().orElseThrow().readCurrent()).isPresent();
    }

    @Test
    void controllerNotEnabledAnywhereIsAbsentNotUnlimited(@TempDir Path tmp) throws IOException {
        ProcFs proc = unifiedProc(tmp, "/app.slice/a.service");
        Files.createDirectories(tmp.resolve("cg/app.slice/a.service"));

        EffectiveLimits limits = Cgroups.self(proc, new CgroupRoot(tmp.resolve("cg"))).effectiveLimits();

        assertThat(limits.cpu()).isEmpty();
        assertThat(limits.memory()).isEmpty();
        assertThat(limits).isEqualTo(EffectiveLimits.none());
        assertThat(limits.describe()).isEqualTo("no cpu or memory limit applies");
    }

    @Test
    void onlyMemoryLimitedDescribesBoth(@TempDir Path tmp) throws IOException {
        ProcFs proc = unifiedProc(tmp, "/a");
        Files.createDirectories(tmp.resolve("cg/a"));
        Files.writeString(tmp.resolve("cg/a/memory.max"), "1073741824\n");
        Files.writeString(tmp.resolve("cg/a/cpu.max"), "max 100000\n");

        EffectiveLimits limits = Cgroups.self(proc, new CgroupRoot(tmp.resolve("cg"))).effectiveLimits();

        assertThat(limits.describe()).isEqualTo("cpu [unlimited] memory [1.0 GiB from /a]");
    }

    @Test
    void missingCgroupDirectoryIsAnError(@TempDir Path tmp) throws IOException {
        ProcFs proc = unifiedProc(tmp, "/gone.scope");
        Files.createDirectories(tmp.resolve("cg"));
        ProcessCgroup self = Cgroups.self(proc, new CgroupRoot(tmp.resolve("cg")));

        assertThatThrownBy(self::effectiveLimits)
                .isInstanceOf(CgroupException.class)
                .hasMessageContaining("[/gone.scope]");
    }

    @Test
    void malformedLimitFileNamesFileAndContent(@TempDir Path tmp) throws IOException {
        ProcFs proc = unifiedProc(tmp, "/a");
        Files.createDirectories(tmp.resolve("cg/a"));
        Files.writeString(tmp.resolve("cg/a/memory.max"), "lots\n");

        ProcessCgroup self = Cgroups.self(proc, new CgroupRoot(tmp.resolve("cg")));

        assertThatThrownBy(self::effectiveLimits)
                .isInstanceOf(MalformedCgroupFileException.class)
                .hasMessageContaining("[lots]")
                .hasMessageContaining("memory.max]");
    }

    @Test
    void cgroupOutsideNamespacedMountRootIsAnError() {
        assertThatThrownBy(() -> Cgroups.self(Fixtures.procFs("cgroupns-outside"), CgroupRoot.system()))
                .isInstanceOf(CgroupException.class)
                .hasMessageContaining("[/]")
                .hasMessageContaining("[/../..]");
    }

    @Test
    void nonUtf8BytesInAnUnrelatedMountDoNotBreakDiscovery(@TempDir Path tmp) throws IOException {
        ProcFs proc = unifiedProc(tmp, "/a");
        // a mount point named in Latin-1 ("café" with a lone 0xE9 byte), which is not valid UTF-8
        byte[] latin1 = ("41 1 8:2 / /mnt/caf\u00e9 rw - ext4 /dev/sdb1 rw\n"
                + "25 24 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(tmp.resolve("proc/self/mountinfo"), latin1);

        assertThat(Cgroups.self(proc, new CgroupRoot(tmp.resolve("cg"))).layout()).isEqualTo(CgroupLayout.UNIFIED);
    }

    @Test
    void readsAnyPid(@TempDir Path tmp) throws IOException {
        Path pidDir = Files.createDirectories(tmp.resolve("proc/4242"));
        Files.copy(Fixtures.resource("procfs/unified-nested/self/cgroup"), pidDir.resolve("cgroup"));
        Files.copy(Fixtures.resource("procfs/unified-nested/self/mountinfo"), pidDir.resolve("mountinfo"));

        ProcessCgroup other = Cgroups.of(new ProcFs(tmp.resolve("proc")), 4242, Fixtures.cgroupRoot("unified-nested"));

        assertThat(other.path()).isEqualTo("/system.slice/servd.service");
        assertThat(other.effectiveLimits().cpus()).hasValue(1.5);
    }

    @Test
    void missingProcFileIsAnIOException(@TempDir Path tmp) {
        assertThatThrownBy(() -> Cgroups.of(new ProcFs(tmp), 99, CgroupRoot.system()))
                .isInstanceOf(java.nio.file.NoSuchFileException.class)
                .hasMessageContaining("99");
    }

    private static ProcFs unifiedProc(Path tmp, String group) throws IOException {
        Path self = Files.createDirectories(tmp.resolve("proc/self"));
        Files.writeString(self.resolve("cgroup"), "0::" + group + "\n");
        Files.writeString(self.resolve("mountinfo"),
                "25 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw\n");
        return new ProcFs(tmp.resolve("proc"));
    }
}
