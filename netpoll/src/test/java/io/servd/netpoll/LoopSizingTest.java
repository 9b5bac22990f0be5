package io.servd.netpoll;

import io.servd.netpoll.LoopSizing.Rounding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoopSizingTest {

    @ParameterizedTest(name = "{0} cpus, {1}, min {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            # cpus     | rounding | minimum | workers
            # CPUQuota=50%: a fraction still gets one loop
            0.5        | CEIL     | 1       | 1
            0.5        | FLOOR    | 1       | 1
            # CPUQuota=150%
            1.5        | CEIL     | 1       | 2
            1.5        | FLOOR    | 1       | 1
            # whole quota: both rules agree
            2.0        | CEIL     | 1       | 2
            2.0        | FLOOR    | 1       | 2
            # cpu.max arithmetic noise must not add a loop, nor take one away
            2.0000004  | CEIL     | 1       | 2
            1.9999996  | FLOOR    | 1       | 2
            # a raised minimum wins over a small quota
            0.25       | FLOOR    | 4       | 4
            # host with no quota
            24         | CEIL     | 1       | 24
            """)
    void workersFromEffectiveCpus(double cpus, Rounding rounding, int minimum, int expected) {
        assertThat(new LoopSizing(rounding, minimum, 0).workers(cpus)).isEqualTo(expected);
    }

    @Test
    void defaultIsFloorAtLeastOneNoAcceptor() {
        assertThat(LoopSizing.defaults()).isEqualTo(new LoopSizing(Rounding.FLOOR, 1, 0));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
    void rejectsNonsenseCpuCountsNamingThem(double cpus) {
        assertThatThrownBy(() -> LoopSizing.defaults().workers(cpus))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[" + cpus + "]");
    }

    @Test
    void rejectsMinimumBelowOne() {
        assertThatThrownBy(() -> new LoopSizing(Rounding.CEIL, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0]");
    }

    @Test
    void parsesRounding() {
        assertThat(Rounding.parse(" Floor")).isEqualTo(Rounding.FLOOR);
        assertThatThrownBy(() -> Rounding.parse("round"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[round]");
    }
}
