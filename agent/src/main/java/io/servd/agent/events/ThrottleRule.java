package io.servd.agent.events;

import io.servd.cgroup.CpuStat;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a unit "starts being CPU-throttled", from successive readings of its {@code cpu.stat}: the
 * first reading is the baseline; a reading whose {@code nr_throttled} rose while the unit counted as
 * not throttled gives one {@link Throttled} event with the rise, and the unit counts as throttled;
 * it counts as not throttled again only after {@link #QUIET_READINGS} readings in a row without a
 * rise (at the default 5 s sampling, 15 s flat). A unit throttled in every period thus gives one event,
 * not one per reading; one throttled now and then gives at most one per quiet spell. A counter that
 * went down (the cgroup was re-created) is a new baseline. Not thread-safe: one per unit, on the watcher thread.
 */
final class ThrottleRule {
    /** Readings without a rise before a throttled unit counts as not throttled. */
    static final int QUIET_READINGS = 3;

    private Optional<CpuStat.Throttling> last = Optional.empty();
    private boolean throttled;
    private int quiet;

    /** Feeds one reading; the event when the unit starts being throttled. */
    Optional<Throttled> read(String unit, CpuStat.Throttling now, Instant at) {
        Optional<CpuStat.Throttling> before = last;
        last = Optional.of(now);
        if (before.isEmpty() || now.throttledPeriods() < before.get().throttledPeriods()) {
            return Optional.empty();
        }
        long rise = now.throttledPeriods() - before.get().throttledPeriods();
        if (rise == 0) {
            quiet++;
            if (throttled && quiet >= QUIET_READINGS) {
                throttled = false;
            }
            return Optional.empty();
        }
        quiet = 0;
        if (throttled) {
            return Optional.empty();
        }
        throttled = true;
        Duration time = now.throttledTime().minus(before.get().throttledTime());
        return Optional.of(new Throttled(at, unit, rise, Math.max(0, now.periods() - before.get().periods()),
                time.isNegative() ? Duration.ZERO : time));
    }

    boolean throttled() {
        return throttled;
    }
}
