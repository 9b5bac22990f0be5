package io.servd.cgroup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemoryMaxTest {

    private static final Path FILE = Path.of("/sys/fs/cgroup/x.service/memory.max");

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            # raw content  | bytes (empty = unlimited)
            max            |
            'max\n'        |
            67108864       | 67108864
            '0'            | 0
            # the kernel rounds down to a page, but any count is a valid read
            '1536'         | 1536
            9223372036854771712 | 9223372036854771712
            """)
    void parsesV2(String raw, Long bytes) throws Exception {
        MemoryMax max = MemoryMax.parseCgroup(raw.replace("\\n", "\n"), FILE);

        assertThat(max).isEqualTo(bytes == null ? MemoryMax.unlimited() : MemoryMax.of(ByteSize.ofBytes(bytes)));
        assertThat(max.formatCgroup()).isEqualTo(bytes == null ? "max" : bytes.toString());
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            # raw content  | reason in message
            ''             | expected a non-negative decimal number
            infinity       | expected a non-negative decimal number
            '-1'           | expected a non-negative decimal number
            64M            | expected a non-negative decimal number
            '1 2'          | expected a non-negative decimal number
            9223372036854775808 | number out of range
            """)
    void rejectsMalformedV2(String raw, String reason) {
        assertThatThrownBy(() -> MemoryMax.parseCgroup(raw, FILE))
                .isInstanceOf(MalformedCgroupFileException.class)
                .hasMessageContaining(reason)
                .hasMessageContaining("[" + raw + "]")
                .hasMessageContaining("[" + FILE + "]");
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            # v1 memory.limit_in_bytes | bytes (empty = unlimited)
            # LONG_MAX rounded down to a 4 KiB page: what an unlimited v1 cgroup reads (captured, hybrid-host)
            9223372036854771712        |
            # ... to a 64 KiB page (arm64 kernels)
            9223372036854710272        |
            9223372036854775807        |
            # written as -1, never read back as such, but accepted
            -1                         |
            536870912                  | 536870912
            """)
    void parsesV1Limit(String raw, Long bytes) throws Exception {
        assertThat(MemoryController.parseV1Limit(raw, FILE))
                .isEqualTo(bytes == null ? MemoryMax.unlimited() : MemoryMax.of(ByteSize.ofBytes(bytes)));
    }

    @Test
    void bytesIsEmptyOnlyWhenUnlimited() {
        assertThat(MemoryMax.unlimited().bytes()).isEmpty();
        assertThat(MemoryMax.of(ByteSize.ofBytes(0)).bytes()).contains(ByteSize.ofBytes(0));
    }
}
