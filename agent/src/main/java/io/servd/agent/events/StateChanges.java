package io.servd.agent.events;

import io.servd.agent.units.ActiveState;
import io.servd.agent.units.UnitStateListener;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns what {@link io.servd.agent.units.UnitStates} hears from systemd into {@code unit-state}
 * events: one per change of {@code ActiveState} or {@code SubState}. A unit systemd has not loaded
 * is {@code inactive}/{@code dead} to systemd ({@code systemctl show} says so of any unknown name), so
 * a unit loaded as it starts ({@code systemd-run}) is a change from {@code inactive/dead}, and one
 * unloaded while inactive is none: systemd loads and unloads idle units at will (a
 * {@code systemctl status} of a stopped unit does), and those are not state changes. A change of only
 * the counters ({@code NRestarts}, {@code MainPID}, …) is not one either. Runs on the states' own
 * thread; {@link EventLog#publish} does not block.
 */
public final class StateChanges implements UnitStateListener {
    private static final UnitState.State NOT_LOADED = new UnitState.State(ActiveState.INACTIVE.wire(), "dead");

    private final EventLog events;

    public StateChanges(EventLog events) {
        this.events = Objects.requireNonNull(events, "events");
    }

    @Override
    public void changed(String unit, Optional<io.servd.agent.units.UnitState> before,
                        Optional<io.servd.agent.units.UnitState> after) {
        UnitState.State from = before.map(StateChanges::state).orElse(NOT_LOADED);
        UnitState.State to = after.map(StateChanges::state).orElse(NOT_LOADED);
        if (!from.equals(to)) {
            events.publish(UnitState.now(unit, from, to));
        }
    }

    private static UnitState.State state(io.servd.agent.units.UnitState s) {
        return new UnitState.State(s.activeState().wire(), s.subState());
    }
}
