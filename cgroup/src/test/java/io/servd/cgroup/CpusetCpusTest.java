package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupRoot;
import io.servd.testsupport.FixtureTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CpusetCpusTest {
    private static final Path FILE = Path.of("/sys/fs/cgroup/x.service/cpuset.cpus.effective");

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            # raw        | count | formatted
            # this build machine's /sys/devices/system/cpu/online
            0-1          | 2     | 0-1
            0            | 1     | 0
            # AllowedCPUs=0-3 8 10-11, as the kernel prints it
            0-3,8,10-11  | 7     | 0-3,8,10-11
            # ranges that touch are printed merged
            0-1,2-3      | 4     | 0-3
            """)
    void parsesAndFormatsCpuLists(String raw, int count, String formatted) throws MalformedCgroupFileException {
        CpusetCpus cpus = CpusetCpus.parseCgroup(raw + "\n", FILE);

        assertThat(cpus.count()).isEqualTo(count);
        assertThat(cpus.formatCgroup()).isEqualTo(formatted);
    }

    @Test
    void anEmptyListIsNoCpu() throws MalformedCgroupFileException {
        assertThat(CpusetCpus.parseCgroup("\n", FILE).count()).isZero();
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            # raw     | reason
            3-1       | reversed cpu range [3-1]
            0-        | expected a non-negative decimal number
            1,,2      | expected a non-negative decimal number
            -1        | expected a non-negative decimal number
            0-99999   | cpu number out of range [99999]
            """)
    void rejectsMalformedListsNamingTheValueAndFile(String raw, String reason) {
        assertThatThrownBy(() -> CpusetCpus.parseCgroup(raw, FILE))
                .isInstanceOf(MalformedCgroupFileException.class)
                .hasMessageContaining(reason)
                .hasMessageContaining("[" + raw + "]")
                .hasMessageContaining(FILE.toString());
    }

    @Test
    void theDeepestCpusetApplies(@TempDir Path dir) throws IOException {
        FixtureTree.copy(Fixtures.resource("cgroupfs/debian12-systemd252"), dir);
        Files.writeString(dir.resolve("cpuset.cpus.effective"), "0-3\n");
        ProcessCgroup self = Cgroups.self(Fixtures.procFs("debian12-systemd252"), new CgroupRoot(dir));
        // no cpuset controller below the root: the root's set applies
        assertThat(self.effectiveCpuset().orElseThrow().cgroup()).isEqualTo("/");

        // AllowedCPUs=2-3 on the unit; a partition root elsewhere may make the parent's set smaller
        Files.writeString(dir.resolve("system.slice/cpuset.cpus.effective"), "0-1\n");
        Files.writeString(dir.resolve("system.slice/foo.service/cpuset.cpus.effective"), "2-3\n");

        EffectiveLimit<CpusetCpus> cpus = self.effectiveCpuset().orElseThrow();
        assertThat(cpus.cgroup()).isEqualTo("/system.slice/foo.service");
        assertThat(cpus.value().formatCgroup()).isEqualTo("2-3");
    }

    @Test
    void noCpusetOnV1() throws IOException {
        assertThat(Cgroups.self(Fixtures.procFs("legacy-limited"), Fixtures.cgroupRoot("legacy-limited"))
                .effectiveCpuset()).isEmpty();
    }
}
