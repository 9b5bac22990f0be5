package io.servd.agent.events;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * {@code unit-state}: systemd reports a unit's state changed (from D-Bus {@code PropertiesChanged};
 * published by the unit-state listener of {@code io.servd.agent.units}).
 *
 * @param from the state before
 * @param to   the state now
 */
public record UnitState(Instant time, String unit, State from, State to) implements Event {
    public static final String TYPE = "unit-state";

    /** systemd's {@code ActiveState} and {@code SubState}, e.g. {@code active}/{@code running}. */
    public record State(String activeState, String subState) {
        public State {
            Objects.requireNonNull(activeState, "activeState");
            Objects.requireNonNull(subState, "subState");
        }

        @Override
        public String toString() {
            return activeState + "/" + subState;
        }
    }

    public UnitState {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
    }

    /** A change seen now. */
    public static UnitState now(String unit, State from, State to) {
        return new UnitState(Instant.now(), unit, from, to);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** {@code from} and {@code to}, each {@code {"activeState": …, "subState": …}}. */
    @Override
    public Map<String, Object> details() {
        return EventJson.members(
                "from", EventJson.members("activeState", from.activeState(), "subState", from.subState()),
                "to", EventJson.members("activeState", to.activeState(), "subState", to.subState()));
    }
}
