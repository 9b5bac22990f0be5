package io.servd.daemon.agent.limits;

import io.servd.daemon.agent.units.UnitCgroup;
import java.util.Optional;

/**
 * Carries out a {@link LimitsPlan}. Two implementations: {@link SystemdLimitsApplier} (systemd's
 * {@code SetUnitProperties} over D-Bus, which writes the drop-ins and the cgroup itself) and
 * {@link CgroupfsLimitsApplier} (no systemd: the cgroup library's writer and drop-in writer).
 * Never called for a dry run.
 */
public interface LimitsApplier {

    /** {@code "dbus"} or {@code "cgroupfs"}, as the API reports it. */
    String name();

    /**
     * Applies {@code plan}.
     *
     * @param cgroup the unit's cgroup when it has one now (a stopped unit has none)
     * @throws LimitsException naming what failed; nothing is left half-applied where the implementation can help it
     */
    void apply(LimitsPlan plan, Optional<UnitCgroup> cgroup) throws LimitsException;
}
