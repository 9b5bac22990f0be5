package io.servd.agent.limits;

import io.servd.cgroup.unit.DropInScope;
import io.servd.cgroup.unit.UnitName;
import io.servd.agent.units.UnitCgroup;
import java.util.Optional;

/**
 * Carries out a {@link LimitsPlan}. Two implementations: {@link SystemdLimitsApplier} (systemd's
 * {@code SetUnitProperties} over D-Bus, which writes the drop-ins and the cgroup itself) and
 * {@link CgroupfsLimitsApplier} (no systemd: the cgroup library's writer and drop-in writer).
 * Never called for a dry run. Both take only a {@link LimitsPlan}, which holds only the directives of
 * {@link io.servd.cgroup.unit.ResourceDirectives#settableNames()}.
 */
public interface LimitsApplier {

    /** {@code "dbus"} or {@code "cgroupfs"}, as the API's {@code "applier"} member reports it. */
    String name();

    /**
     * Applies {@code plan}.
     *
     * @param cgroup the unit's cgroup when it has one now (a stopped unit has none)
     * @throws LimitsException naming what failed; nothing is left half-applied where the implementation can help it
     */
    void apply(LimitsPlan plan, Optional<UnitCgroup> cgroup) throws LimitsException;

    /**
     * Where the drop-ins for {@code unit} go, as systemd's {@code unit_drop_in_dir()} decides:
     * {@code --runtime} or not, except that a transient unit's always go next to its unit file.
     */
    default DropInScope scope(UnitName unit, boolean runtime) {
        return DropInScope.requested(runtime);
    }
}
