package io.servd.daemon.limits;

import io.servd.cgroup.MemoryEvents;
import io.servd.cgroup.Pressure;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns two readings into {@link LimitChange}s. Holds the pressure state (high or not per
 * resource) so that a crossing is reported once; used by the watcher thread only.
 */
final class Changes {

    private final double threshold;
    private final Set<LimitChange.Resource> high = EnumSet.noneOf(LimitChange.Resource.class);

    /** @param threshold {@code some avg10} percentage at which a resource counts as under pressure */
    Changes(double threshold, WatchedLimits initial) {
        this.threshold = threshold;
        for (LimitChange.Resource r : LimitChange.Resource.values()) {
            if (initial.pressure(r).map(p -> p.some().avg10() >= threshold).orElse(false)) {
                high.add(r);
            }
        }
    }

    /** Whether {@code resource} is under pressure now. */
    boolean high(LimitChange.Resource resource) {
        return high.contains(resource);
    }

    /** Limit and pressure changes from {@code before} to {@code after}, added to {@code out}. */
    void polled(WatchedLimits before, WatchedLimits after, List<LimitChange> out) {
        if (!before.cpu().equals(after.cpu())) {
            out.add(new LimitChange.CpuLimitChanged(before.cpu(), after.cpu()));
        }
        if (!before.memory().equals(after.memory())) {
            out.add(new LimitChange.MemoryLimitChanged(before.memory(), after.memory()));
        }
        for (LimitChange.Resource r : LimitChange.Resource.values()) {
            Optional<Pressure> p = after.pressure(r);
            if (p.isEmpty()) {
                continue;
            }
            double avg10 = p.get().some().avg10();
            if (!high.contains(r) && avg10 >= threshold) {
                high.add(r);
                out.add(new LimitChange.PressureChanged(r, true, p.get()));
            } else if (high.contains(r) && avg10 < threshold / 2) {
                high.remove(r);
                out.add(new LimitChange.PressureChanged(r, false, p.get()));
            }
        }
    }

    /** A {@link LimitChange.MemoryEvent} when the counters differ; empty when they do not or one side is absent. */
    static Optional<LimitChange.MemoryEvent> events(Optional<MemoryEvents> before, Optional<MemoryEvents> after) {
        if (before.isEmpty() || after.isEmpty() || before.equals(after)) {
            return Optional.empty();
        }
        return Optional.of(new LimitChange.MemoryEvent(before.get(), after.get()));
    }
}
