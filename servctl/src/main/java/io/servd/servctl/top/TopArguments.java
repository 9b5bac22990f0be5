package io.servd.servctl.top;

import io.servd.cgroup.unit.InvalidDirectiveException;
import io.servd.cgroup.unit.TimeSpan;
import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.ServctlException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The values of {@code servctl top}'s options, parsed as systemd-cgtop parses them: numbers as systemd's
 * {@code safe_atou()}, booleans as {@code parse_boolean()}, the delay as a time span ({@code parse_sec()},
 * through the cgroup library's {@link TimeSpan}). Each error is a usage error naming the option and the
 * value in brackets.
 */
final class TopArguments {

    /** {@code safe_atou()} stores an {@code unsigned}: 32 bits. */
    static final long UNSIGNED_MAX = 0xFFFF_FFFFL;
    private static final List<String> TRUE = List.of("1", "yes", "y", "true", "t", "on");
    private static final List<String> FALSE = List.of("0", "no", "n", "false", "f", "off");

    private TopArguments() {
    }

    /**
     * {@code -d}: a systemd time span ({@code 500ms}, {@code 1s}, {@code 2min}, {@code 1min 30s}); a bare
     * number is seconds ({@code 0.5}). More than zero, as cgtop requires.
     */
    static Duration parseDelay(String option, String text) throws ServctlException {
        Duration d;
        try {
            d = TimeSpan.parse(option, text).duration();
        } catch (InvalidDirectiveException e) {
            throw invalid(option, text, e.reason() + "; a time span like 500ms, 1s, 2min or a number of seconds");
        }
        if (d.isZero()) {
            throw invalid(option, text, "must be more than zero");
        }
        return d;
    }

    /**
     * {@code -n}, {@code --depth}: an unsigned 32-bit number as {@code safe_atou()} reads it: leading white
     * space and {@code +} allowed, {@code 0x} hexadecimal, {@code 0o} or a leading {@code 0} octal,
     * {@code 0b} binary; no sign {@code -}.
     */
    static long parseUnsigned(String option, String text) throws ServctlException {
        String s = text.stripLeading();
        if (s.startsWith("-")) {
            throw invalid(option, text, "must not be negative");
        }
        if (s.startsWith("+")) {
            s = s.substring(1);
        }
        int radix = 10;
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("0x") || lower.startsWith("0b") || lower.startsWith("0o")) {
            radix = switch (lower.charAt(1)) {
                case 'x' -> 16;
                case 'b' -> 2;
                default -> 8;
            };
            s = s.substring(2);
        } else if (s.length() > 1 && s.startsWith("0")) {
            radix = 8; // strtoul()'s C octal
            s = s.substring(1);
        }
        int base = radix;
        if (s.isEmpty() || !s.chars().allMatch(c -> c < 128 && Character.digit(c, base) >= 0)) {
            throw invalid(option, text, "not a number");
        }
        try {
            long v = Long.parseLong(s, radix);
            if (v <= UNSIGNED_MAX) {
                return v;
            }
        } catch (NumberFormatException e) {
            // too long for a long: out of range below
        }
        throw invalid(option, text, "out of range (at most " + UNSIGNED_MAX + ")");
    }

    /** {@code --recursive=}: {@code 1 yes y true t on} or {@code 0 no n false f off}, any case. */
    static boolean parseBoolean(String option, String text) throws ServctlException {
        String s = text.toLowerCase(Locale.ROOT);
        if (TRUE.contains(s)) {
            return true;
        }
        if (FALSE.contains(s)) {
            return false;
        }
        throw invalid(option, text, "not a boolean (yes or no)");
    }

    /** {@code --order=}: path, tasks, cpu, memory, io (cgtop's), or pressure. */
    static SortOrder parseOrder(String option, String text) throws ServctlException {
        return SortOrder.forLabel(text).orElseThrow(() -> invalid(option, text, "one of "
                + Arrays.stream(SortOrder.values()).map(SortOrder::label).collect(Collectors.joining(", "))));
    }

    /** {@code --cpu=}: percentage or time. */
    static TopView.CpuColumn parseCpu(String option, String text) throws ServctlException {
        return Arrays.stream(TopView.CpuColumn.values()).filter(c -> c.label().equals(text)).findFirst()
                .orElseThrow(() -> invalid(option, text, "percentage or time"));
    }

    static ServctlException invalid(String option, String text, String why) {
        return new ServctlException(ExitCodes.USAGE, "invalid " + option + " [" + text + "]: " + why);
    }
}
