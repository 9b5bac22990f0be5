package io.servd.cgroup;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcCgroupLineTest {

    private static final Path FILE = Path.of("/proc/self/cgroup");

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            # line                                  | id | controllers  | path
            0::/system.slice/servd.service          | 0  |              | /system.slice/servd.service
            4:memory:/process_api/ca26dd8b          | 4  | memory       | /process_api/ca26dd8b
            2:cpu,cpuacct:/                          | 2  | cpu;cpuacct  | /
            9:name=systemd:/user.slice               | 9  | name=systemd | /user.slice
            # colons in the path belong to the path
            0::/kubepods/pod1/cri-containerd:abc:def | 0  |              | /kubepods/pod1/cri-containerd:abc:def
            # spaces are printed raw (only mountinfo escapes)
            0::/my app.scope                         | 0  |              | /my app.scope
            """)
    void parsesLine(String line, int id, String controllers, String path) throws Exception {
        List<ProcCgroupLine> parsed = ProcCgroupLine.parse(line + "\n", FILE);

        assertThat(parsed).containsExactly(new ProcCgroupLine(id,
                controllers == null ? List.of() : List.of(controllers.split(";")), path));
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            # content          | reason in message
            0:/x               | expected hierarchy-ID:controller-list:cgroup-path
            x::/               | hierarchy ID is not a number
            -1::/              | hierarchy ID is negative
            0::relative        | cgroup path is not absolute
            ''                 | no cgroup hierarchy listed
            """)
    void rejectsMalformed(String content, String reason) {
        assertThatThrownBy(() -> ProcCgroupLine.parse(content, FILE))
                .isInstanceOf(MalformedCgroupFileException.class)
                .hasMessageContaining(reason)
                .hasMessageContaining("[" + content + "]")
                .hasMessageContaining("[/proc/self/cgroup]");
    }
}
