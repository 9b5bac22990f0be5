package io.servd.agent.events;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * {@code oom-kill}: the kernel's OOM killer killed processes of the unit ({@code memory.events}
 * {@code oom_kill} rose).
 *
 * @param delta how many kills since the last reading, at least 1
 * @param total the counter's new value
 */
public record OomKill(Instant time, String unit, long delta, long total) implements Event {
    public static final String TYPE = "oom-kill";

    public OomKill {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(unit, "unit");
        if (delta < 1 || total < delta) {
            throw new IllegalArgumentException("oom_kill delta [" + delta + "] must be in [1, total [" + total + "]]");
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, Object> details() {
        return EventJson.members("delta", delta, "total", total);
    }
}
