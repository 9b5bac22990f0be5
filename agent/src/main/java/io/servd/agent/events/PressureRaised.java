package io.servd.agent.events;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * {@code pressure}: a PSI {@code some avg10} of the unit crossed the threshold upward ({@link PressureRule}).
 *
 * @param resource  {@code cpu}, {@code memory} or {@code io}
 * @param avg10     the {@code some avg10} read, percent
 * @param threshold the threshold it crossed ({@code [Events] PressureThreshold=}), percent
 */
public record PressureRaised(Instant time, String unit, String resource, double avg10, double threshold)
        implements Event {
    public static final String TYPE = "pressure";

    public PressureRaised {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(resource, "resource");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, Object> details() {
        return EventJson.members("resource", resource, "avg10", avg10, "threshold", threshold);
    }
}
