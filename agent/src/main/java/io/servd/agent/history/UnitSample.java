package io.servd.agent.history;

import io.servd.agent.units.UnitState;
import io.servd.cgroup.CgroupSnapshot;
import java.util.Objects;
import java.util.Optional;

/**
 * One unit as recorded at one moment: what {@code GET /v1/units/{unit}} would have answered then,
 * limited to the fields the store keeps ({@link SampleVector}).
 *
 * @param unit   the unit's name
 * @param cgroup its cgroup's limits, usage and pressure; empty for a unit without a cgroup (a failed one)
 * @param state  systemd's state; empty when states are unavailable
 */
public record UnitSample(String unit, Optional<CgroupSnapshot> cgroup, Optional<UnitState> state) {
    public UnitSample {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(cgroup, "cgroup");
        Objects.requireNonNull(state, "state");
    }
}
