package io.servd.agent.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code [Events]}: how servd turns unit counters into events and serves {@code GET /v1/events}.
 *
 * @param sample            how often every unit's {@code memory.events}, {@code cpu.stat} and PSI files
 *                          are read ({@code memory.events} is also notified through inotify); {@code SampleSec=5s}
 * @param pressureThreshold PSI {@code some avg10} percent at or above which a {@code pressure} event is
 *                          published; {@code PressureThreshold=10%}
 * @param pressureClear     percent below which the resource counts as calm again (the hysteresis);
 *                          {@code PressureClear=5%}, below the threshold
 * @param maxFollowers      clients streaming {@code ?follow=1} at once; one more answers {@code 503};
 *                          {@code MaxFollowers=16}
 * @param heartbeat         how often a follower gets an empty line when nothing happens;
 *                          {@code HeartbeatSec=15s}, below {@code [HTTP] IdleTimeoutSec=}
 */
public record EventSettings(Duration sample, double pressureThreshold, double pressureClear, int maxFollowers,
                            Duration heartbeat) {
    public EventSettings {
        Objects.requireNonNull(sample, "sample");
        Objects.requireNonNull(heartbeat, "heartbeat");
        if (!(pressureClear < pressureThreshold)) {
            throw new IllegalArgumentException("expected PressureClear= [" + pressureClear + "%] below PressureThreshold= ["
                    + pressureThreshold + "%]");
        }
        if (maxFollowers < 0) {
            throw new IllegalArgumentException("MaxFollowers= must not be negative [" + maxFollowers + "]");
        }
    }

    public static EventSettings defaults() {
        return new EventSettings(Duration.ofSeconds(5), 10, 5, 16, Duration.ofSeconds(15));
    }

    /** {@code 10%} → 10.0: more than 0% and at most 100%. */
    public static double parsePercent(String value) {
        return PressureSettings.parsePercent(value) * 100;
    }

    /** A count of 0 (no following) or more. */
    public static int parseCount(String value) {
        if (!value.matches("[0-9]{1,6}")) {
            throw new IllegalArgumentException("expected a whole number from 0 to 999999");
        }
        return Integer.parseInt(value);
    }
}
