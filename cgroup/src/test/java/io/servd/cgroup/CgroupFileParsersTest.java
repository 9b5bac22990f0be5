package io.servd.cgroup;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Broken content of the usage and PSI files: our exception, the reason, the raw value in brackets. */
class CgroupFileParsersTest {

    private static final Path FILE = Path.of("/sys/fs/cgroup/a/file");

    @ParameterizedTest(name = "{0} [{1}]")
    @CsvSource(delimiter = '|', textBlock = """
            # parser      | content                                               | reason                      | bracketed
            cpu.stat      | usage_usec 12\\nuser_usec 1                           | missing key [system_usec]   | usage_usec 12
            cpu.stat      | usage_usec twelve                                     | expected a non-negative decimal number | usage_usec twelve
            cpu.stat      | usage_usec 1 2                                        | expected "KEY VALUE"        | usage_usec 1 2
            cpu.stat      | usage_usec 1\\nusage_usec 2                           | repeated key                | usage_usec 2
            # nr_periods present means the cpu controller is on: the other two keys must be there
            cpu.stat      | usage_usec 1\\nuser_usec 1\\nsystem_usec 0\\nnr_periods 4 | missing key [nr_throttled] | usage_usec 1
            pressure      | full avg10=0.00 avg60=0.00 avg300=0.00 total=0         | missing "some" line         | full avg10=0.00
            pressure      | some avg10=0.00 avg60=0.00 avg300=0.00                 | expected "some             | some avg10=0.00 avg60=0.00 avg300=0.00
            pressure      | some avg10=1 avg60=0.00 avg300=0.00 total=0            | average is not a percentage | some avg10=1
            pressure      | some avg10=0.00 avg60=0.00 avg300=0.00 total=-1        | expected a non-negative decimal number | some avg10=0.00
            pressure      | some avg10=0.00 avg30=0.00 avg300=0.00 total=0         | expected [avg60=]           | some avg10=0.00 avg30
            memory.events | low 0\\nhigh 0\\nmax 0\\noom 0                        | missing key [oom_kill]      | low 0
            io.stat       | 8 rbytes=1 wbytes=1 rios=1 wios=1                      | expected MAJ:MIN            | 8 rbytes=1
            io.stat       | 8:0 rbytes=1 wbytes=1 rios=1                           | missing key [wios]          | 8:0 rbytes=1 wbytes=1 rios=1
            io.stat       | 8:0 rbytes                                             | expected KEY=VALUE          | 8:0 rbytes
            pids.max      | -5                                                     | expected a non-negative decimal number | -5
            cpu.weight    | 0                                                      | cpu weight out of range     | 0
            cpu.weight    | 10001                                                  | cpu weight out of range     | 10001
            memory.high   | 1.5G                                                   | expected a non-negative decimal number | 1.5G
            """)
    void rejectsMalformed(String parser, String content, String reason, String bracketed) {
        String raw = content.replace("\\n", "\n");
        assertThatThrownBy(() -> parse(parser, raw))
                .isInstanceOf(MalformedCgroupFileException.class)
                .hasMessageContaining(reason)
                .hasMessageContaining("[" + bracketed)
                .hasMessageContaining("[" + FILE + "]");
    }

    private static Object parse(String parser, String raw) throws MalformedCgroupFileException {
        return switch (parser) {
            case "cpu.stat" -> CpuStat.parseCgroup(raw, FILE);
            case "pressure" -> Pressure.parseCgroup(raw, FILE);
            case "memory.events" -> MemoryEvents.parseCgroup(raw, FILE);
            case "io.stat" -> IoStat.parseCgroup(raw, FILE);
            case "pids.max" -> PidsMax.parseCgroup(raw, FILE);
            case "cpu.weight" -> CpuWeight.parseCgroup(raw, FILE);
            case "memory.high" -> MemoryHigh.parseCgroup(raw, FILE);
            default -> throw new IllegalArgumentException(parser);
        };
    }
}
