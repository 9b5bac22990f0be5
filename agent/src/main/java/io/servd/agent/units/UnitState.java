package io.servd.agent.units;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A unit's state as systemd reports it over D-Bus ({@code org.freedesktop.systemd1(5)}). Fields a unit
 * type does not have (a target has no {@code Result}, only a service has {@code NRestarts} and
 * {@code MainPID}) are empty, and so are zero timestamps and PIDs: systemd's "never" and "none".
 *
 * @param unit         the unit's name, e.g. {@code foo.service}
 * @param activeState  {@code ActiveState}
 * @param subState     {@code SubState}, the unit type's own word, e.g. {@code running}, {@code dead}
 * @param result       {@code Result} of the type's interface, e.g. {@code success}, {@code exit-code}
 * @param nRestarts    {@code NRestarts}: automatic restarts ({@code Restart=}) since the unit was loaded;
 *                     a {@code systemctl restart} is not counted
 * @param activeEnter  {@code ActiveEnterTimestamp}: when the unit last entered {@code active}
 *                     (µs since the epoch on the wire); empty when it never did
 * @param mainPid      {@code MainPID} of a service; empty when it has no main process
 */
public record UnitState(String unit, ActiveState activeState, String subState, Optional<String> result,
                        OptionalLong nRestarts, Optional<Instant> activeEnter, OptionalLong mainPid) {
    public UnitState {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(activeState, "activeState");
        Objects.requireNonNull(subState, "subState");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(nRestarts, "nRestarts");
        Objects.requireNonNull(activeEnter, "activeEnter");
        Objects.requireNonNull(mainPid, "mainPid");
    }

    /** A state with only the two state words known (as {@code ListUnits} gives them). */
    public static UnitState of(String unit, ActiveState activeState, String subState) {
        return new UnitState(unit, activeState, subState, Optional.empty(), OptionalLong.empty(), Optional.empty(),
                OptionalLong.empty());
    }

    /** {@link #activeEnter()} in µs since the epoch, as systemd sends it. */
    public OptionalLong activeEnterMicros() {
        if (activeEnter.isEmpty()) {
            return OptionalLong.empty();
        }
        Instant t = activeEnter.get();
        return OptionalLong.of(t.getEpochSecond() * 1_000_000L + t.getNano() / 1000L);
    }

    public UnitState withActiveState(ActiveState value) {
        return new UnitState(unit, value, subState, result, nRestarts, activeEnter, mainPid);
    }

    public UnitState withSubState(String value) {
        return new UnitState(unit, activeState, value, result, nRestarts, activeEnter, mainPid);
    }

    public UnitState withResult(Optional<String> value) {
        return new UnitState(unit, activeState, subState, value, nRestarts, activeEnter, mainPid);
    }

    public UnitState withNRestarts(OptionalLong value) {
        return new UnitState(unit, activeState, subState, result, value, activeEnter, mainPid);
    }

    public UnitState withActiveEnter(Optional<Instant> value) {
        return new UnitState(unit, activeState, subState, result, nRestarts, value, mainPid);
    }

    public UnitState withMainPid(OptionalLong value) {
        return new UnitState(unit, activeState, subState, result, nRestarts, activeEnter, value);
    }
}
