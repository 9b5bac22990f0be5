package io.servd.agent.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The D-Bus values of a unit's state properties, as systemd 252 sends them, and what is refused. */
class StatePropertyTest {
    private static final UnitState FOO = UnitState.of("foo.service", ActiveState.ACTIVE, "running");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # unit            | properties its object carries
            foo.service       | ACTIVE_STATE SUB_STATE ACTIVE_ENTER_TIMESTAMP RESULT N_RESTARTS MAIN_PID
            # sockets, mounts, timers have a Result, no restarts or main PID
            foo.socket        | ACTIVE_STATE SUB_STATE ACTIVE_ENTER_TIMESTAMP RESULT
            # targets, slices, devices: Unit's properties only
            multi-user.target | ACTIVE_STATE SUB_STATE ACTIVE_ENTER_TIMESTAMP
            -.slice           | ACTIVE_STATE SUB_STATE ACTIVE_ENTER_TIMESTAMP
            """)
    void eachUnitTypeCarriesItsProperties(String unit, String properties) {
        assertThat(StateProperty.of(unit)).extracting(Enum::name).containsExactly(properties.split(" "));
    }

    @Test
    void carriersAreSystemdsInterfaces() {
        assertThat(StateProperty.RESULT.carrier("foo.automount")).contains("org.freedesktop.systemd1.Automount");
        assertThat(StateProperty.N_RESTARTS.carrier("foo.service")).contains("org.freedesktop.systemd1.Service");
        assertThat(StateProperty.SUB_STATE.carrier("foo.device")).contains("org.freedesktop.systemd1.Unit");
    }

    @Test
    void valuesBecomeTheStatesFields() {
        UnitState s = StateProperty.ACTIVE_ENTER_TIMESTAMP.apply(FOO, new Variant<>(new UInt64(1_700_000_000_123_456L)));
        assertThat(s.activeEnter()).contains(Instant.parse("2023-11-14T22:13:20.123456Z"));
        assertThat(StateProperty.ACTIVE_ENTER_TIMESTAMP.apply(s, new UInt64(0)).activeEnter()).isEmpty(); // never
        assertThat(StateProperty.MAIN_PID.apply(FOO, new UInt32(0)).mainPid()).isEmpty(); // no main process
        assertThat(StateProperty.N_RESTARTS.apply(FOO, new UInt32(7)).nRestarts()).hasValue(7);
        assertThat(StateProperty.RESULT.apply(FOO, "oom-kill").result()).isEqualTo(Optional.of("oom-kill"));
        assertThat(StateProperty.ACTIVE_STATE.apply(FOO, "deactivating").activeState()).isEqualTo(ActiveState.DEACTIVATING);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # property             | value    | message part
            ACTIVE_STATE           | exploded | property [ActiveState] is [exploded] (String), not an active state servd knows
            N_RESTARTS             | three    | property [NRestarts] is [three] (String), not a uint32
            MAIN_PID               | 1        | property [MainPID] is [1] (String), not a uint32
            ACTIVE_ENTER_TIMESTAMP | x        | property [ActiveEnterTimestamp] is [x] (String), not a uint64
            """)
    void malformedValuesAreRefusedNamingTheValue(StateProperty property, String value, String message) {
        assertThatThrownBy(() -> property.apply(FOO, new Variant<>(value)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void aTimestampBeyondLongIsRefused() {
        assertThatThrownBy(() -> StateProperty.ACTIVE_ENTER_TIMESTAMP.apply(FOO, new UInt64("18446744073709551615")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[18446744073709551615]");
    }

    @Test
    void resultIsAStringOrRefused() {
        assertThatThrownBy(() -> StateProperty.RESULT.apply(FOO, new UInt32(1)))
                .hasMessage("property [Result] is [1] (UInt32), not a string");
    }
}
