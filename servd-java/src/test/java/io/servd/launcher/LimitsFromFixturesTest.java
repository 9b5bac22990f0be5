package io.servd.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * servd-java --print-flags against cgroupfs/procfs trees: the cgroup module's scenarios (each with a
 * README saying where it came from; the captured ones from the bookworm test VM and from this build
 * host's hybrid layout) and the ones {@link Fixtures} derives from them.
 */
class LimitsFromFixturesTest {

    private static final String SMALL_64M = "-XX:MaxRAM=64m -Xmx10m -Xms8m -XX:MaxMetaspaceSize=24m"
            + " -XX:ReservedCodeCacheSize=8m -XX:MaxDirectMemorySize=4m -Xss256k -XX:TieredStopAtLevel=1"
            + " -XX:+UseSerialGC";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # scenario             | limit the flags come from                                   | cpus | memory flags (empty: none)
        # captured, v2: foo.service with MemoryMax=64M CPUQuota=50% (0.5 cpus -> floor, at least 1)
        debian12-systemd252    | system.slice/foo.service/memory.max                           | 1    | SMALL_64M
        # captured, v2: the memory limit only on an ancestor slice (32M); 1.5 cpus from the service -> 1
        debian12-slice-limited | servd.slice/servd-test.slice/memory.max                       | 1    | -XX:MaxRAM=32m -Xmx8m -Xms8m -XX:MaxMetaspaceSize=24m -XX:ReservedCodeCacheSize=8m -XX:MaxDirectMemorySize=4m -Xss256k -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
        # synthetic v2: 64M on system.slice, 150% on the service
        unified-nested         | system.slice/memory.max                                       | 1    | SMALL_64M
        # synthetic v1 (from the hybrid capture): memory.limit_in_bytes 64M on the slice, cfs 75000/50000
        legacy-limited         | memory/system.slice/memory.limit_in_bytes                     | 1    | SMALL_64M
        # synthetic v1 docker bind mount: 512M and 2 cpus -> G1, tiered
        docker-v1-bindmount    | memory/memory.limit_in_bytes                                  | 2    | -XX:MaxRAM=512m -Xmx254m -Xms63m -XX:MaxMetaspaceSize=102m -XX:ReservedCodeCacheSize=64m -XX:MaxDirectMemorySize=32m -Xss256k -XX:+UseG1GC
        # synthetic v2 containerd path with a colon: 256M, 2.5 cpus -> 2; tiered, Serial (below 512M)
        k8s-colon-path         | cri-containerd:9a1b2c/memory.max                              | 2    | -XX:MaxRAM=256m -Xmx121m -Xms30m -XX:MaxMetaspaceSize=51m -XX:ReservedCodeCacheSize=32m -XX:MaxDirectMemorySize=16m -Xss256k -XX:+UseSerialGC
        """)
    void derivesTheBudgetFromTheStrictestLevel(String scenario, String limitFile, int cpus, String memoryFlags) {
        ServdJava.Result r = ServdJava.captured(scenario).run("--print-flags", "-jar", "app.jar");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.notes()).contains(limitFile + "]");
        String expected = memoryFlags.equals("SMALL_64M") ? SMALL_64M : memoryFlags;
        assertThat(r.flags()).containsExactlyElementsOf(List.of((expected
                + " -XX:ActiveProcessorCount=" + cpus + " -XX:+ExitOnOutOfMemoryError").split(" ")));
    }

    @Test
    void hybridHostWithoutLimitsGetsNoFlags() {
        // captured on this build machine: v1 memory at /process_api/<hash> (unlimited: LONG_MAX
        // rounded to a page), cpu.cfs_quota_us -1, a controller-less cgroup2 at /sys/fs/cgroup/unified
        ServdJava.Result r = ServdJava.captured("hybrid-host").run("--print-flags", "-jar", "app.jar");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.flags()).isEmpty();
        assertThat(r.notes()).contains("cgroup layout: hybrid", "memory limit: none", "cpu limit: none");
        assertThat(r.stdout()).contains("MALLOC_ARENA_MAX=2");
    }

    @Test
    void v2UnlimitedGetsNoFlags(@TempDir Path dir) throws IOException {
        ServdJava.Result r = ServdJava.in(Fixtures.v2Unlimited(dir), "debian12-systemd252").run("--print-flags", "Main");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.flags()).isEmpty();
        assertThat(r.notes()).contains("cgroup layout: v2", "memory limit: none", "cpu limit: none");
    }

    @ParameterizedTest(name = "AllowedCPUs={0} cpu.max [{1}] -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        # cpuset | cpu.max        | cpus: min(floor(quota), cpuset count), at least 1
        1        | max 100000     | 1
        0-1      | max 100000     | 2
        0-1      | 300000 100000  | 2
        1        | 250000 100000  | 1
        0-1      | 20000 100000   | 1
        """)
    void cpusetBoundsTheProcessorCount(String cpuset, String cpuMax, int cpus, @TempDir Path dir) throws IOException {
        ServdJava.Result r = ServdJava.in(Fixtures.v2Cpuset(dir, cpuset, cpuMax), "debian12-systemd252")
                .run("--print-flags", "Main");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.flags()).containsExactly("-XX:ActiveProcessorCount=" + cpus);
        assertThat(r.notes()).contains("cpuset: " + cpuset, "foo.service/cpuset.cpus.effective]");
    }

    @Test
    void noCgroupFileSystemAtAllGetsNoFlags(@TempDir Path dir) throws IOException {
        ServdJava.Result r = ServdJava.in(Fixtures.noCgroupFs(dir), "no-cgroupfs").run("--print-flags", "Main");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.flags()).isEmpty();
        assertThat(r.notes()).contains("cgroup layout: none");
    }

    @Test
    void noProcAtAllGetsNoFlags(@TempDir Path dir) {
        ServdJava.Result r = ServdJava.in(dir, "absent").run("--print-flags", "Main");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.flags()).isEmpty();
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void memoryMaxOptionBoundsAHostWithoutLimits() {
        ServdJava.Result r = ServdJava.captured("hybrid-host").run("--print-flags", "--memory-max", "64M", "--cpus", "0.5",
                "-jar", "app.jar");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.flags()).containsExactlyElementsOf(List.of((SMALL_64M
                + " -XX:ActiveProcessorCount=1 -XX:+ExitOnOutOfMemoryError").split(" ")));
        assertThat(r.notes()).contains("from [--memory-max 64M]", "from [--cpus]");
    }

    @Test
    void theStricterOfCgroupAndOptionWins() {
        // the cgroup's 64M and 0.5 cpus beat --memory-max 1G and --cpus 4
        ServdJava.Result looser = ServdJava.captured("debian12-systemd252")
                .run("--print-flags", "--memory-max=1G", "--cpus=4", "Main");
        // --memory-max 128M and --cpus 1 beat the container's 512M and 2 cpus
        ServdJava.Result stricter = ServdJava.captured("docker-v1-bindmount")
                .run("--print-flags", "--memory-max", "128M", "--cpus", "1", "Main");

        assertThat(looser.flags()).contains("-Xmx10m", "-XX:ActiveProcessorCount=1");
        assertThat(stricter.flags()).contains("-XX:MaxRAM=128m", "-XX:+UseSerialGC", "-XX:ActiveProcessorCount=1");
    }
}
