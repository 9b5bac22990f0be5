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
            # -d value | message
            0          | invalid --delay [0]: must be more than zero
            0s         | invalid --delay [0s]: must be more than zero
            1x         | invalid --delay [1x]: unknown time unit [x]
            fast       | invalid --delay [fast]: expected a number
            -1s        | invalid --delay [-1s]: expected a number
            ''         | invalid --delay []: empty time span
            """)
    void badDelaysAreUsageErrors(String text, String message) {
        assertThatThrownBy(() -> TopArguments.parseDelay("--delay", text)).isInstanceOf(ServctlException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(((ServctlException) e).exitCode()).isEqualTo(ExitCodes.USAGE));
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
            # -n value | message
            -1         | invalid -n [-1]: must not be negative
            x          | invalid -n [x]: not a number
            1.5        | invalid -n [1.5]: not a number
            08         | invalid -n [08]: not a number
            0x         | invalid -n [0x]: not a number
            ''         | invalid -n []: not a number
            4294967296 | invalid -n [4294967296]: out of range (at most 4294967295)
            99999999999999999999 | invalid -n [99999999999999999999]: out of range
            """)
    void badNumbersAreUsageErrors(String text, String message) {
        assertThatThrownBy(() -> TopArguments.parseUnsigned("-n", text)).isInstanceOf(ServctlException.class)
                .hasMessageStartingWith(message);
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
            maybe | invalid --recursive [maybe]: not a boolean (yes or no)
            2     | invalid --recursive [2]: not a boolean (yes or no)
            ''    | invalid --recursive []: not a boolean (yes or no)
            """)
    void badBooleansAreUsageErrors(String text, String message) {
        assertThatThrownBy(() -> TopArguments.parseBoolean("--recursive", text)).hasMessage(message);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            path     | PATH
            tasks    | TASKS
            cpu      | CPU
            memory   | MEMORY
            io       | IO
            pressure | PRESSURE
            """)
    void ordersAreCgtopsNames(String text, SortOrder order) throws ServctlException {
        assertThat(TopArguments.parseOrder("--order", text)).isEqualTo(order);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            # exact names, as cgtop's string table
            CPU  | invalid --order [CPU]: one of path, tasks, cpu, memory, io, pressure
            size | invalid --order [size]: one of path, tasks, cpu, memory, io, pressure
            """)
    void badOrdersAreUsageErrors(String text, String message) {
        assertThatThrownBy(() -> TopArguments.parseOrder("--order", text)).hasMessage(message);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            percentage | PERCENTAGE
            time       | TIME
            """)
    void cpuTypesAreCgtops(String text, TopView.CpuColumn cpu) throws ServctlException {
        assertThat(TopArguments.parseCpu("--cpu", text)).isEqualTo(cpu);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            percent | invalid --cpu [percent]: percentage or time
            ''      | invalid --cpu []: percentage or time
            """)
    void badCpuTypesAreUsageErrors(String text, String message) {
        assertThatThrownBy(() -> TopArguments.parseCpu("--cpu", text)).hasMessage(message);
    }
}
