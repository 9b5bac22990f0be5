package io.servd.cgroup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MountInfoLineTest {

    private static final Path FILE = Path.of("/proc/self/mountinfo");

    @Test
    void parsesCapturedHybridHost() throws Exception {
        String content = java.nio.file.Files.readString(Fixtures.resource("procfs/hybrid-host/self/mountinfo"));

        var mounts = MountInfoLine.parse(content, FILE);

        assertThat(mounts).contains(
                new MountInfoLine("/", Path.of("/sys/fs/cgroup/memory"), "cgroup", Set.of("rw", "memory")),
                new MountInfoLine("/", Path.of("/sys/fs/cgroup/unified"), "cgroup2", Set.of("rw")),
                new MountInfoLine("/", Path.of("/sys/fs/cgroup/systemd"), "cgroup", Set.of("rw", "name=systemd")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # case               | line                                                                                | root              | mount point
            # optional fields (shared:, master:) before the separator
            optional-fields      | 36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 shared:2 - ext3 /dev/root rw      | /mnt1             | /mnt/parent
            no-optional-fields   | 22 27 0:21 / /proc rw,relatime - proc proc rw                                       | /                 | /proc
            # \\040 is a space, \\134 a backslash, \\011 a tab
            escaped-space        | 42 41 0:26 /my\\040app.scope /sys/fs/cgroup rw - cgroup2 cgroup2 rw                  | /my app.scope     | /sys/fs/cgroup
            escaped-backslash    | 42 41 0:26 /a\\134b /mnt/x\\011y rw - cgroup2 cgroup2 rw                              | /a\\b             | /mnt/x\ty
            """)
    void parsesFieldsAndEscapes(String name, String line, String root, String mountPoint) throws Exception {
        MountInfoLine m = MountInfoLine.parse(line.replace("\\\\", "\\"), FILE).get(0);

        assertThat(m.root()).isEqualTo(root.replace("\\\\", "\\"));
        assertThat(m.mountPoint()).isEqualTo(Path.of(mountPoint.replace("\\t", "\t")));
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            # line                                             | reason in message
            22 27 0:21 / /proc rw,relatime proc proc rw         | expected mountinfo fields around " - "
            22 27 0:21 / /proc rw - proc                        | expected mountinfo fields around " - "
            22 27 0:21 rel /proc rw - proc proc rw              | mount root and mount point must be absolute
            22 27 0:21 /a\\04 /proc rw - proc proc rw           | truncated octal escape
            22 27 0:21 /a\\09x /proc rw - proc proc rw          | invalid octal escape
            """)
    void rejectsMalformed(String line, String reason) {
        String raw = line.replace("\\\\", "\\");
        assertThatThrownBy(() -> MountInfoLine.parse(raw, FILE))
                .isInstanceOf(MalformedCgroupFileException.class)
                .hasMessageContaining(reason)
                .hasMessageContaining("[" + raw + "]");
    }
}
