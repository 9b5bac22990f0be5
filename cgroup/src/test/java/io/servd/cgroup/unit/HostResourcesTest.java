package io.servd.cgroup.unit;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupException;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class HostResourcesTest {

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(HostResourcesTest.class.getResource("/" + name).toURI());
    }

    @Test
    void readsCapturedHybridHost() throws Exception {
        HostResources host = HostResources.read(new ProcFs(resource("procfs/hybrid-host")),
                new CgroupRoot(resource("cgroupfs/hybrid-host/unified")));

        // MemTotal 24684092 kB, already page-aligned; pid_max 32768, threads-max 192730: 32767 tasks
        assertThat(host.pageSize()).isEqualTo(4096);
        assertThat(host.physicalMemory()).isEqualTo(ByteSize.ofBytes(
                Long.parseLong(Files.readAllLines(resource("procfs/hybrid-host/meminfo")).get(0).replaceAll("\\D", "")) * 1024));
        assertThat(host.systemTasksMax()).isEqualTo(Math.min(
                Long.parseLong(Files.readString(resource("procfs/hybrid-host/sys/kernel/threads-max")).strip()),
                Long.parseLong(Files.readString(resource("procfs/hybrid-host/sys/kernel/pid_max")).strip()) - 1));
    }

    /**
     * The VM oracle (KernelEnforcementIT) compares the guest's printed HostResources with this JVM's: two
     * JVMs must print the same host the same way, which a lambda's class name does not.
     */
    @Test
    void printsTheSameInEveryJvm() {
        var host = new HostResources(ByteSize.ofBytes(2060423168L), 4096, 15607);
        assertThat(host.toString()).isEqualTo("HostResources[physicalMemory=" + ByteSize.ofBytes(2060423168L)
                + ", pageSize=4096, systemTasksMax=15607, blockDevices=BlockDevices.none()]");
        assertThat(host.withBlockDevices(BlockDevices.of(java.util.Map.of("/dev/vda", new DeviceNumber(254, 0)))).toString())
                .endsWith("blockDevices=BlockDevices.of({/dev/vda=" + new DeviceNumber(254, 0) + "})]");
    }

    @Test
    void rootCgroupLimitsCapBothInAContainer(@TempDir Path tmp) throws Exception {
        Path cg = Files.createDirectories(tmp.resolve("cg"));
        Files.writeString(cg.resolve("memory.max"), "536875000\n");
        Files.writeString(cg.resolve("pids.max"), "2000\n");

        HostResources host = HostResources.read(new ProcFs(resource("procfs/hybrid-host")), new CgroupRoot(cg));

        assertThat(host.physicalMemory()).isEqualTo(ByteSize.ofBytes(536875000L / 4096 * 4096));
        assertThat(host.systemTasksMax()).isEqualTo(2000);
    }

    @Test
    void malformedFileIsNamed(@TempDir Path tmp) throws Exception {
        Path proc = Files.createDirectories(tmp.resolve("proc/sys/kernel"));
        Files.createDirectories(tmp.resolve("proc/self"));
        Files.writeString(tmp.resolve("proc/self/smaps"), "KernelPageSize:        4 kB\n");
        Files.writeString(tmp.resolve("proc/meminfo"), "MemTotal: lots kB\n");

        assertThatThrownBy(() -> HostResources.read(new ProcFs(tmp.resolve("proc")), new CgroupRoot(tmp)))
                .isInstanceOf(CgroupException.class)
                .hasMessageContaining("[lots]")
                .hasMessageContaining("meminfo]");
        assertThat(proc).exists();
    }

    @Test
    void readsThisMachine() throws IOException {
        assumeTrue(Files.exists(Path.of("/proc/self/smaps")), "needs Linux /proc");
        CgroupRoot unified = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))
                ? CgroupRoot.system() : new CgroupRoot(Path.of("/sys/fs/cgroup/unified"));

        HostResources host = HostResources.read(ProcFs.system(), unified);

        assertThat(host.physicalMemory().bytes()).isPositive();
        assertThat(host.systemTasksMax()).isPositive();
    }
}
