package io.servd.cgroup.fs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CgroupDirTest {

    private static final CgroupRoot ROOT = new CgroupRoot(Path.of("/fixture"));

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"relative", "", "/a/../b", "/a/./b", "/a//b", "/a/", "/.."})
    void rejectsUnnormalisedGroups(String group) {
        assertThatThrownBy(() -> ROOT.resolve(group))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[" + group + "]");
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            # group                      | path                                  | parent
            /                            | /fixture                              |
            /system.slice                | /fixture/system.slice                 | /
            /system.slice/x.service      | /fixture/system.slice/x.service       | /system.slice
            /pod:1/my app                | /fixture/pod:1/my app                 | /pod:1
            """)
    void resolvesPathAndParent(String group, String path, String parent) {
        CgroupDir dir = ROOT.resolve(group);

        assertThat(dir.path()).isEqualTo(Path.of(path));
        assertThat(dir.parent().map(CgroupDir::group)).isEqualTo(java.util.Optional.ofNullable(parent));
    }

    @Test
    void childOfRootAndOfGroup() {
        assertThat(ROOT.resolve("/").child("a").group()).isEqualTo("/a");
        assertThat(ROOT.resolve("/a").child("b").group()).isEqualTo("/a/b");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # mountinfo mount point        | relocated below /fixture
            /sys/fs/cgroup                 | /fixture
            /sys/fs/cgroup/memory          | /fixture/memory
            /sys/fs/cgroup/cpu,cpuacct     | /fixture/cpu,cpuacct
            # outside /sys/fs/cgroup: unchanged
            /cgroup/cpu                    | /cgroup/cpu
            """)
    void relocatesMountPoints(String mountPoint, String relocated) {
        assertThat(ROOT.relocate(Path.of(mountPoint))).isEqualTo(Path.of(relocated));
    }

    @Test
    void readsPresentFileAndReportsMissingAsEmpty(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("cpu.max"), "max 100000\n");
        CgroupDir dir = new CgroupRoot(tmp).resolve("/");

        assertThat(dir.read(CgroupFile.CPU_MAX)).contains("max 100000\n");
        assertThat(dir.read(CgroupFile.MEMORY_MAX)).isEmpty();
        assertThat(dir.exists()).isTrue();
    }

    @Test
    void procFsRejectsNonPositivePid() {
        assertThatThrownBy(() -> ProcFs.system().cgroupFile(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0]");
    }
}
