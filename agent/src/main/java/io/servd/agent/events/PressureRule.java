package io.servd.agent.events;

import java.time.Instant;
import java.util.Optional;

/**
 * When a unit's PSI "crosses a threshold", per resource: a {@code some avg10} at or above
 * {@code threshold} while the resource counted as calm gives one {@link PressureRaised} event, and the
 * resource counts as under pressure until {@code avg10} falls below {@code clear} ({@code [Events]
 * PressureThreshold=} and {@code PressureClear=}, default 10% and 5%): a value wavering around the
 * threshold gives one event, not one per reading. The first reading counts too (a unit already under
 * pressure when servd starts is reported). Not thread-safe: one per unit and resource, on the watcher thread.
 */
final class PressureRule {
    private final double threshold;
    private final double clear;
    private boolean high;

    PressureRule(double threshold, double clear) {
        if (!(clear < threshold)) {
            throw new IllegalArgumentException("clear [" + clear + "] must be below threshold [" + threshold + "]");
        }
        this.threshold = threshold;
        this.clear = clear;
    }

    Optional<PressureRaised> read(String unit, String resource, double avg10, Instant at) {
        if (!high && avg10 >= threshold) {
            high = true;
            return Optional.of(new PressureRaised(at, unit, resource, avg10, threshold));
        }
        if (high && avg10 < clear) {
            high = false;
        }
        return Optional.empty();
    }

    boolean high() {
        return high;
    }
}
