package io.servd.agent.events;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * {@code throttled}: the unit started being CPU-throttled ({@code cpu.stat} {@code nr_throttled} rose
 * after staying flat; the rule and its hysteresis are {@link ThrottleRule}'s).
 *
 * @param throttledPeriods enforcement periods throttled since the previous reading ({@code nr_throttled} delta)
 * @param periods          enforcement periods since the previous reading ({@code nr_periods} delta)
 * @param throttledTime    time throttled since the previous reading ({@code throttled_usec} delta)
 */
public record Throttled(Instant time, String unit, long throttledPeriods, long periods, Duration throttledTime)
        implements Event {
    public static final String TYPE = "throttled";

    public Throttled {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(throttledTime, "throttledTime");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, Object> details() {
        return EventJson.members("nrThrottled", throttledPeriods, "nrPeriods", periods,
                "throttledUsec", throttledTime.toNanos() / 1000);
    }
}
