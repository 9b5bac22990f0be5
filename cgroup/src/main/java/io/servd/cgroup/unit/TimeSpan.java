package io.servd.cgroup.unit;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A systemd time span ({@code CPUQuotaPeriodSec=}), microsecond precision, as systemd.time(7) defines
 * it: {@code "100ms"}, {@code "1s 500ms"}, {@code "1.5s"}, {@code "2min"}; a bare number is seconds.
 *
 * @param duration whole microseconds, not negative
 */
public record TimeSpan(Duration duration) {

    private record Unit(long micros, List<String> names) {
    }

    /** Parsing accepts every spelling systemd's {@code parse_sec()} does for these units. */
    private static final List<Unit> PARSE_UNITS = List.of(
            new Unit(1L, List.of("usec", "us", "µs", "μs")),
            new Unit(1_000L, List.of("msec", "ms")),
            new Unit(1_000_000L, List.of("seconds", "second", "sec", "s")),
            new Unit(60_000_000L, List.of("minutes", "minute", "min", "m")),
            new Unit(3_600_000_000L, List.of("hours", "hour", "hr", "h")),
            new Unit(86_400_000_000L, List.of("days", "day", "d")),
            new Unit(604_800_000_000L, List.of("weeks", "week", "w")),
            new Unit(2_629_800_000_000L, List.of("months", "month", "M")),
            new Unit(31_557_600_000_000L, List.of("years", "year", "y")));

    /** Formatting uses systemd's {@code format_timespan()} table, largest first. */
    private static final List<Unit> FORMAT_UNITS = List.of(
            new Unit(31_557_600_000_000L, List.of("y")),
            new Unit(2_629_800_000_000L, List.of("month")),
            new Unit(604_800_000_000L, List.of("w")),
            new Unit(86_400_000_000L, List.of("d")),
            new Unit(3_600_000_000L, List.of("h")),
            new Unit(60_000_000L, List.of("min")),
            new Unit(1_000_000L, List.of("s")),
            new Unit(1_000L, List.of("ms")),
            new Unit(1L, List.of("us")));

    public TimeSpan {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.toNanos() % 1000 != 0) {
            throw new IllegalArgumentException("time span must be whole non-negative microseconds [" + duration + "]");
        }
    }

    public static TimeSpan ofMicros(long micros) {
        return new TimeSpan(Duration.ofNanos(Math.multiplyExact(micros, 1000L)));
    }

    public long micros() {
        return duration.toNanos() / 1000L;
    }

    /**
     * Parses like {@code parse_sec()}: one or more {@code <number>[.<fraction>][<unit>]} parts, optionally
     * separated by white space, summed; no unit means seconds.
     *
     * @throws InvalidDirectiveException naming {@code directive} and {@code text}
     */
    public static TimeSpan parse(String directive, String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            throw new InvalidDirectiveException(directive, text, "empty time span");
        }
        long total = 0;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                i++;
            }
            String whole = s.substring(start, i);
            String fraction = "";
            if (i < s.length() && s.charAt(i) == '.') {
                int f = ++i;
                while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    i++;
                }
                fraction = s.substring(f, i);
            }
            if (whole.isEmpty() && fraction.isEmpty()) {
                throw new InvalidDirectiveException(directive, text, "expected a number");
            }
            while (i < s.length() && s.charAt(i) == ' ') {
                i++;
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != ' ' && s.charAt(i) != '.') {
                i++;
            }
            long unit = unitMicros(directive, text, s.substring(unitStart, i));
            try {
                long part = Math.multiplyExact(whole.isEmpty() ? 0 : Long.parseLong(whole), unit);
                if (!fraction.isEmpty()) {
                    // systemd keeps fractions down to the microsecond and drops the rest
                    part = Math.addExact(part, new BigDecimal("0." + fraction)
                            .multiply(BigDecimal.valueOf(unit)).longValue());
                }
                total = Math.addExact(total, part);
            } catch (ArithmeticException | NumberFormatException e) {
                throw new InvalidDirectiveException(directive, text, "time span out of range");
            }
            while (i < s.length() && s.charAt(i) == ' ') {
                i++;
            }
        }
        if (total > Long.MAX_VALUE / 1000) {
            throw new InvalidDirectiveException(directive, text, "time span out of range");
        }
        return ofMicros(total);
    }

    private static long unitMicros(String directive, String text, String name) {
        if (name.isEmpty()) {
            return 1_000_000L;
        }
        for (Unit u : PARSE_UNITS) {
            if (u.names().contains(name)) {
                return u.micros();
            }
        }
        throw new InvalidDirectiveException(directive, text, "unknown time unit [" + name + "]");
    }

    /**
     * Formats as systemd's {@code format_timespan(t, 1)} (what {@code set-property} writes): {@code "100ms"},
     * {@code "1s"}, {@code "1.500000s"} (below one minute a remainder uses dot notation),
     * {@code "1min 30s"}, {@code "0"}.
     */
    public String format() {
        long t = micros();
        if (t == 0) {
            return "0";
        }
        StringBuilder out = new StringBuilder();
        for (Unit u : FORMAT_UNITS) {
            if (t <= 0) {
                break;
            }
            if (t < u.micros()) {
                continue;
            }
            long a = t / u.micros();
            long b = t % u.micros();
            if (out.length() > 0) {
                out.append(' ');
            }
            if (t < 60_000_000L && b > 0) {
                int digits = Long.toString(u.micros()).length() - 1;
                if (digits > 0) {
                    out.append(a).append('.').append(String.format("%0" + digits + "d", b)).append(u.names().get(0));
                    t = 0;
                    continue;
                }
            }
            out.append(a).append(u.names().get(0));
            t = b;
        }
        return out.toString();
    }
}
