package io.servd.agent.config;

import io.servd.cgroup.unit.InvalidDirectiveException;
import io.servd.cgroup.unit.TimeSpan;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * The time words of history queries, shared by the agent ({@code ?since=&until=&step=&at=}) and
 * servctl ({@code --since}, {@code --replay}) so that both accept the same spellings:
 * <ul>
 * <li>a TIME is RFC 3339 ({@code 2026-12-03T03:00:00Z}, {@code 2026-12-03T04:00:00+01:00}), seconds
 *     since the epoch ({@code 1796266800}, fractions allowed), {@code now}, or relative to now: a minus
 *     and a systemd time span ({@code -1h}, {@code -15m}, {@code -1h 30min});</li>
 * <li>a STEP is a positive systemd time span ({@code 5s}, {@code 1m}, {@code 1min 30s}).</li>
 * </ul>
 * Both parsers throw only {@link IllegalArgumentException}, saying what was expected; the caller names
 * the parameter and the value.
 */
public final class HistoryTime {
    public static final String EXPECTED_TIME =
            "expected RFC 3339 (2026-12-03T03:00:00Z), seconds since the epoch, now, or a relative time (-1h, -15m)";

    private HistoryTime() {
    }

    /**
     * {@code value} as an instant, relative ones from {@code now}.
     *
     * @throws IllegalArgumentException when it is none of the spellings above
     */
    public static Instant parse(String value, Instant now) {
        Objects.requireNonNull(now, "now");
        String v = value.strip();
        if (v.equals("now")) {
            return now;
        }
        if (v.startsWith("-")) {
            try {
                return now.minus(TimeSpan.parse("TIME", v.substring(1)).duration());
            } catch (InvalidDirectiveException e) {
                throw new IllegalArgumentException(EXPECTED_TIME + ": " + e.reason());
            }
        }
        if (v.matches("[0-9]{1,12}(\\.[0-9]{1,9})?")) {
            int dot = v.indexOf('.');
            long seconds = Long.parseLong(dot < 0 ? v : v.substring(0, dot));
            long nanos = dot < 0 ? 0 : Long.parseLong((v.substring(dot + 1) + "00000000").substring(0, 9));
            return Instant.ofEpochSecond(seconds, nanos);
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(EXPECTED_TIME);
        }
    }

    /**
     * A step: a positive systemd time span of whole milliseconds or more.
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static Duration parseStep(String value) {
        Duration step;
        try {
            step = TimeSpan.parse("step", value).duration();
        } catch (InvalidDirectiveException e) {
            throw new IllegalArgumentException("expected a time span such as 5s or 1m: " + e.reason());
        }
        if (step.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("expected a time span of at least 1ms, such as 5s or 1m");
        }
        return step;
    }

    /** A step as the answers spell it: systemd's {@code format_timespan()}, e.g. {@code 5s}, {@code 1min}. */
    public static String formatStep(Duration step) {
        return new TimeSpan(step).format();
    }
}
