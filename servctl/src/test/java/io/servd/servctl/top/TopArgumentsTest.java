package io.servd.servctl.top;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.ServctlException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Option values parsed as systemd-cgtop parses them (parse_sec, safe_atou, parse_boolean); errors name option and value. */
class TopArgumentsTest {

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # option    | value      | parsed
            # -d: a systemd time span; a bare number is seconds, fractions too
            --delay     | 1s         | PT1S
            --delay     | 500ms      | PT0.5S
            --delay     | 2min       | PT2M
            --delay     | 2          | PT2S
            --delay     | 0.5        | PT0.5S
            --delay     | 1ms        | PT0.001S
            --delay     | 1min 30s   | PT1M30S
            --delay     | 1.5s       | PT1.5S
            --delay     | 250us      | PT0.00025S
            # -n, --depth: safe_atou, with its prefixes (hex, Python-style binary and octal, C's leading-zero octal)
            -n          | 0          | 0
            -n          | 3          | 3
            -n          | '  7'      | 7
            -n          | +5         | 5
            -n          | 0x10       | 16
            -n          | 0b101      | 5
            -n          | 0o17       | 15
            -n          | 010        | 8
            -n          | 4294967295 | 4294967295
            # --recursive: parse_boolean, any case
            --recursive | yes        | true
            --recursive | YES        | true
            --recursive | y          | true
            --recursive | true       | true
            --recursive | t          | true
            --recursive | on         | true
            --recursive | 1          | true
            --recursive | no         | false
            --recursive | n          | false
            --recursive | false      | false
            --recursive | f          | false
            --recursive | Off        | false
            --recursive | 0          | false
            --cpu       | percentage | PERCENTAGE
            --cpu       | time       | TIME
            """)
    void goodValuesParseAsCgtop(String option, String text, String parsed) throws ServctlException {
        assertThat(String.valueOf(parse(option, text))).isEqualTo(parsed);
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
