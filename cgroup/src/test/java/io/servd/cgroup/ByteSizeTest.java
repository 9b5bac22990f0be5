package io.servd.cgroup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteSizeTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # bytes             | human
            0                   | 0 B
            1023                | 1023 B
            1024                | 1.0 KiB
            1536                | 1.5 KiB
            67108864            | 64.0 MiB
            1610612736          | 1.5 GiB
            9223372036854775807 | 8.0 EiB
            """)
    void humanReadableUsesBinaryUnits(long bytes, String human) {
        assertThat(ByteSize.ofBytes(bytes).humanReadable()).isEqualTo(human);
    }

    @Test
    void rejectsNegative() {
        assertThatThrownBy(() -> ByteSize.ofBytes(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[-1]");
    }
}
