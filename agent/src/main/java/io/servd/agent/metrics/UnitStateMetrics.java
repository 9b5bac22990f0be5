package io.servd.agent.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.servd.agent.units.ActiveState;
import io.servd.agent.units.UnitState;
import io.servd.agent.units.UnitStates;
import java.util.Objects;

/**
 * Every loaded unit's state from systemd, read from {@link UnitStates}' memory at scrape time (no D-Bus
 * call per scrape), named as prometheus-community/systemd_exporter names its own with our prefix and
 * label: {@code servd_unit_state{unit, state}} is 1 for the unit's {@code ActiveState} and 0 for every
 * other (systemd_exporter's {@code systemd_unit_state}); {@code servd_service_restart_total} is a
 * service's {@code NRestarts} ({@code systemd_service_restart_total}); {@code servd_unit_start_time_seconds}
 * its {@code ActiveEnterTimestamp} ({@code systemd_unit_start_time_seconds}). While the states are
 * unavailable there are no samples but {@code servd_unit_states_available 0}.
 */
public final class UnitStateMetrics implements MultiCollector {
    private final UnitStates states;

    public UnitStateMetrics(UnitStates states) {
        this.states = Objects.requireNonNull(states, "states");
    }

    @Override
    public MetricSnapshots collect() {
        Families f = new Families();
        f.gauge("servd_unit_states_available", "1 while unit states are read from systemd over D-Bus", null);
        declare(f);
        f.add("servd_unit_states_available", Labels.EMPTY, states.isAvailable() ? 1 : 0);
        for (UnitState s : states.all().values()) {
            add(f, s);
        }
        return f.build();
    }

    /** Declares the per-unit families in {@code f}. */
    static void declare(Families f) {
        f.gauge("servd_unit_state", "1 for the unit's ActiveState, 0 for the others", null);
        f.counter("servd_service_restart", "automatic restarts of the service (NRestarts)", null);
        f.gauge("servd_unit_start_time_seconds", "when the unit last became active (ActiveEnterTimestamp)", Unit.SECONDS);
    }

    /** The points of one unit's state into {@code f}: the one place that maps a state onto metric names. */
    static void add(Families f, UnitState s) {
        for (ActiveState state : ActiveState.values()) {
            f.add("servd_unit_state", Labels.of("state", state.wire(), "unit", s.unit()), s.activeState() == state ? 1 : 0);
        }
        s.nRestarts().ifPresent(n -> f.add("servd_service_restart", Labels.of("unit", s.unit()), n));
        s.activeEnterMicros().ifPresent(us -> f.add("servd_unit_start_time_seconds", Labels.of("unit", s.unit()),
                us / 1e6));
    }
}
