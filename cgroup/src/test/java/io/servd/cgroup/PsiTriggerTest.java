package io.servd.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PsiTriggerTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # trigger               | full  | stall ms | window ms
        some 150000 2000000     | false | 150      | 2000
        # systemd's default (MemoryPressureThresholdSec=200ms)
        some 200000 2000000     | false | 200      | 2000
        full 500000 10000000    | true  | 500      | 10000
        # the smallest window the kernel takes, stall equal to it
        some 500000 500000      | false | 500      | 500
        """)
    void parsesAndFormatsTheKernelsText(String text, boolean full, long stallMillis, long windowMillis) {
        PsiTrigger t = PsiTrigger.parse(text);

        assertThat(t).isEqualTo(new PsiTrigger(full, Duration.ofMillis(stallMillis), Duration.ofMillis(windowMillis)));
        assertThat(t.format()).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # trigger               | message fragment
        some 150ms 2s           | expected a PSI trigger "some|full STALL_USEC WINDOW_USEC", got [some 150ms 2s]
        partial 1 2000000       | got [partial 1 2000000]
        some 150000             | got [some 150000]
        # the kernel's window range is 500 ms to 10 s
        some 100000 200000      | PSI window must be 500ms to 10s, got [PT0.2S] in [some 100000 200000]
        some 100000 20000000    | PSI window must be 500ms to 10s
        some 3000000 2000000    | PSI stall must be more than 0 and at most the window [PT2S], got [PT3S]
        some 0 2000000          | PSI stall must be more than 0
        """)
    void refusesWhatTheKernelWouldNamingTheValue(String text, String fragment) {
        assertThatThrownBy(() -> PsiTrigger.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(fragment);
    }
}
