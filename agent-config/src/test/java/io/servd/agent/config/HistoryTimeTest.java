package io.servd.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HistoryTimeTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # value                    | instant
        2026-12-03T03:00:00Z       | 2026-12-03T03:00:00Z
        2026-12-03T04:00:00+01:00  | 2026-12-03T03:00:00Z
        2026-12-03T03:00:00.250Z   | 2026-12-03T03:00:00.250Z
        # epoch seconds, with a fraction
        1796266800                 | 2026-12-03T03:00:00Z
        1796266800.5               | 2026-12-03T03:00:00.500Z
        now                        | 2026-12-03T12:00:00Z
        # relative: a minus and a systemd time span
        -1h                        | 2026-12-03T11:00:00Z
        -15m                       | 2026-12-03T11:45:00Z
        -1h 30min                  | 2026-12-03T10:30:00Z
        -90                        | 2026-12-03T11:58:30Z
        """)
    void parsesEverySpelling(String value, String instant) {
        assertThat(HistoryTime.parse(value, NOW)).isEqualTo(Instant.parse(instant));
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
        yesterday
        -1x
        2026-12-03 03:00:00
        2026-12-03T03:00:00
        +1h
        1e9
        """)
    void refusesTheRestSayingWhatWasExpected(String value) {
        assertThatThrownBy(() -> HistoryTime.parse(value, NOW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("expected RFC 3339");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        5s       | PT5S     | 5s
        1m       | PT1M     | 1min
        1min 30s | PT1M30S  | 1min 30s
        250ms    | PT0.25S  | 250ms
        """)
    void stepsAreSystemdTimeSpans(String value, Duration step, String formatted) {
        assertThat(HistoryTime.parseStep(value)).isEqualTo(step);
        assertThat(HistoryTime.formatStep(step)).isEqualTo(formatted);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
        0
        500us
        five
        -5s
        """)
    void refusesStepsThatAreNotPositiveSpans(String value) {
        assertThatThrownBy(() -> HistoryTime.parseStep(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("expected a time span");
    }

    @Property
    void anyStringParsesOrThrowsOnlyIllegalArgument(@ForAll String value) {
        try {
            HistoryTime.parse(value, NOW);
        } catch (IllegalArgumentException expected) {
            assertThat(expected).hasMessageStartingWith("expected");
        }
        try {
            HistoryTime.parseStep(value);
        } catch (IllegalArgumentException expected) {
            assertThat(expected).hasMessageStartingWith("expected");
        }
    }
}
