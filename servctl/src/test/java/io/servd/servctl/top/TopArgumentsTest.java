package io.servd.servctl.top;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.ServctlException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Option values parsed as systemd-cgtop parses them (parse_sec, safe_atou, parse_boolean); errors name option and value. */
class TopArgumentsTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            # -d value   | microseconds
            1s           | 1000000
            500ms        | 500000
            2min         | 120000000
            # a bare number is seconds, fractions too
            2            | 2000000
            0.5          | 500000
            1ms          | 1000
            1min 30s     | 90000000
            1.5s         | 1500000
            250us        | 250
            """)
    void delayIsATimeSpan(String text, long micros) throws ServctlException {
        assertThat(TopArguments.parseDelay("--delay", text)).isEqualTo(Duration.ofNanos(micros * 1000));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            # -n / --depth | value
            0              | 0
            3              | 3
            '  7'          | 7
            +5             | 5
            # safe_atou's prefixes: hex, Python-style binary and octal, C's leading-zero octal
            0x10           | 16
            0b101          | 5
            0o17           | 15
            010            | 8
            4294967295     | 4294967295
            """)
    void numbersAreSafeAtou(String text, long value) throws ServctlException {
        assertThat(TopArguments.parseUnsigned("-n", text)).isEqualTo(value);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            yes   | true
            YES   | true
            y     | true
            true  | true
            t     | true
            on    | true
            1     | true
            no    | false
            n     | false
            false | false
            f     | false
            Off   | false
            0     | false
            """)
    void booleansAreParseBoolean(String text, boolean value) throws ServctlException {
        assertThat(TopArguments.parseBoolean("--recursive", text)).isEqualTo(value);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            percentage | PERCENTAGE
            time       | TIME
            """)
    void cpuTypesAreCgtops(String text, TopView.CpuColumn cpu) throws ServctlException {
        assertThat(TopArguments.parseCpu("--cpu", text)).isEqualTo(cpu);
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # option    | value      | message
            --delay     | 0          | invalid --delay [0]: must be more than zero
            --delay     | 0s         | invalid --delay [0s]: must be more than zero
            --delay     | 1x         | invalid --delay [1x]: unknown time unit [x]; a time span like 500ms, 1s, 2min
            --delay     | fast       | invalid --delay [fast]: expected a number
            --delay     | -1s        | invalid --delay [-1s]: expected a number
            --delay     | ''         | invalid --delay []: empty time span
            -n          | -1         | invalid -n [-1]: must not be negative
            -n          | x          | invalid -n [x]: not a number
            -n          | 1.5        | invalid -n [1.5]: not a number
            # C octal has no 8
            -n          | 08         | invalid -n [08]: not a number
            -n          | 0x         | invalid -n [0x]: not a number
            -n          | ''         | invalid -n []: not a number
            -n          | 4294967296 | invalid -n [4294967296]: out of range (at most 4294967295)
            -n          | 99999999999999999999 | invalid -n [99999999999999999999]: out of range
            --recursive | maybe      | invalid --recursive [maybe]: not a boolean (yes or no)
            --recursive | 2          | invalid --recursive [2]: not a boolean (yes or no)
            --recursive | ''         | invalid --recursive []: not a boolean (yes or no)
            # exact names, as cgtop's string tables
            --order     | CPU        | invalid --order [CPU]: one of path, tasks, cpu, memory, io, pressure
            --order     | size       | invalid --order [size]: one of path, tasks, cpu, memory, io, pressure
            --cpu       | percent    | invalid --cpu [percent]: percentage or time
            --cpu       | ''         | invalid --cpu []: percentage or time
            """)
    void badValuesAreUsageErrorsNamingOptionAndValue(String option, String text, String message) {
        assertThatThrownBy(() -> parse(option, text)).isInstanceOf(ServctlException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(((ServctlException) e).exitCode()).isEqualTo(ExitCodes.USAGE));
    }

    private static Object parse(String option, String text) throws ServctlException {
        return switch (option) {
            case "--delay" -> TopArguments.parseDelay(option, text);
            case "-n" -> TopArguments.parseUnsigned(option, text);
            case "--recursive" -> TopArguments.parseBoolean(option, text);
            case "--order" -> TopArguments.parseOrder(option, text);
            case "--cpu" -> TopArguments.parseCpu(option, text);
            default -> throw new IllegalArgumentException("no parser for [" + option + "]");
        };
    }
}
