package io.servd.cgroup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CpuMaxTest {

    private static final Path FILE = Path.of("/sys/fs/cgroup/x.service/cpu.max");

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            # raw content        | quota µs | period µs | formatted
            # the kernel's default for a new cgroup
            'max 100000\n'       | max      | 100000    | max 100000
            '150000 100000\n'    | 150000   | 100000    | 150000 100000
            # CPUQuota=10% with CPUQuotaPeriodSec=1s
            '100000 1000000'     | 100000   | 1000000   | 100000 1000000
            # systemd's 1 ms floor
            '1000 100000'        | 1000     | 100000    | 1000 100000
            # period omitted: the kernel default applies, as on write
            max                  | max      | 100000    | max 100000
            '50000'              | 50000    | 100000    | 50000 100000
            # tab-separated still parses
            '20000\t100000'      | 20000    | 100000    | 20000 100000
            """)
    void parsesCgroupFormat(String raw, String quota, long period, String formatted) throws Exception {
        CpuMax max = CpuMax.parseCgroup(raw.replace("\\n", "\n").replace("\\t", "\t"), FILE);

        Limit<Duration> expectedQuota = quota.equals("max")
                ? Limit.unlimited() : Limit.atMost(Duration.ofNanos(Long.parseLong(quota) * 1000));
        assertThat(max).isEqualTo(new CpuMax(expectedQuota, Duration.ofNanos(period * 1000)));
        assertThat(max.formatCgroup()).isEqualTo(formatted);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            # raw content          | reason in message
            'max 100000 7'         | expected "$MAX $PERIOD"
            ''                     | expected "$MAX $PERIOD"
            'unlimited 100000'     | quota is not a number of microseconds
            '-1 100000'            | quota is not a number of microseconds
            '0 100000'             | quota must be positive
            'max 0'                | period must be positive
            'max 1e5'              | period is not a number of microseconds
            '99999999999999999999 100000' | quota is not a number of microseconds
            """)
    void rejectsMalformedCgroupFormat(String raw, String reason) {
        assertThatThrownBy(() -> CpuMax.parseCgroup(raw, FILE))
                .isInstanceOf(MalformedCgroupFileException.class)
                .hasMessageContaining(reason)
                .hasMessageContaining("[" + raw + "]")
                .hasMessageContaining("[" + FILE + "]");
    }

    @ParameterizedTest(name = "{0}/{1} µs")
    @CsvSource(delimiter = '|', textBlock = """
            # quota µs | period µs | cpus
            150000     | 100000    | 1.5
            100000     | 1000000   | 0.1
            1000       | 100000    | 0.01
            800000     | 100000    | 8.0
            """)
    void cpusIsQuotaOverPeriod(long quota, long period, double cpus) {
        CpuMax max = CpuMax.of(Duration.ofNanos(quota * 1000), Duration.ofNanos(period * 1000));

        assertThat(max.cpus()).hasValue(cpus);
    }

    @Test
    void unlimitedHasNoCpuCount() {
        assertThat(CpuMax.unlimited(CpuMax.DEFAULT_PERIOD).cpus()).isEmpty();
    }

    @Test
    void rejectsSubMicrosecondAndNonPositiveDurations() {
        assertThatThrownBy(() -> CpuMax.of(Duration.ofNanos(1500), CpuMax.DEFAULT_PERIOD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[PT0.0000015S]");
        assertThatThrownBy(() -> CpuMax.unlimited(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[PT0S]");
        assertThatThrownBy(() -> CpuMax.of(Duration.ofMillis(-1), CpuMax.DEFAULT_PERIOD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[PT-0.001S]");
    }
}
