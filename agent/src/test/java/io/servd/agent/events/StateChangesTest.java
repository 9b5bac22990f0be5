package io.servd.agent.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.agent.units.ActiveState;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What systemd's state changes become in the event log: a change of state words, nothing else. */
class StateChangesTest {
    private final EventLog log = new EventLog();
    private final StateChanges changes = new StateChanges(log);

    private static Optional<io.servd.agent.units.UnitState> state(ActiveState active, String sub, long restarts) {
        return Optional.of(new io.servd.agent.units.UnitState("demo.service", active, sub, Optional.of("success"),
                OptionalLong.of(restarts), Optional.empty(), OptionalLong.empty()));
    }

    private List<String> details() {
        return log.after(0, 100).events().stream()
                .map(l -> l.event().type() + " " + ((UnitState) l.event()).from() + " -> " + ((UnitState) l.event()).to())
                .toList();
    }

    @Test
    void aRestartIsOneEventPerStateItPasses() {
        changes.changed("demo.service", state(ActiveState.ACTIVE, "running", 0), state(ActiveState.DEACTIVATING, "stop-sigterm", 0));
        changes.changed("demo.service", state(ActiveState.DEACTIVATING, "stop-sigterm", 0), state(ActiveState.ACTIVATING, "start", 0));
        changes.changed("demo.service", state(ActiveState.ACTIVATING, "start", 0), state(ActiveState.ACTIVE, "running", 0));
        assertThat(details()).containsExactly(
                "unit-state active/running -> deactivating/stop-sigterm",
                "unit-state deactivating/stop-sigterm -> activating/start",
                "unit-state activating/start -> active/running");
    }

    @Test
    void countersAloneAreNoStateChange() {
        changes.changed("demo.service", state(ActiveState.ACTIVE, "running", 0), state(ActiveState.ACTIVE, "running", 1));
        assertThat(details()).isEmpty();
    }

    @Test
    void loadingAndUnloadingAreChangesFromAndToInactiveDead() {
        changes.changed("demo.service", Optional.empty(), state(ActiveState.ACTIVATING, "start", 0));
        changes.changed("demo.service", state(ActiveState.FAILED, "failed", 0), Optional.empty());
        assertThat(details()).containsExactly(
                "unit-state inactive/dead -> activating/start",
                "unit-state failed/failed -> inactive/dead");
    }

    @Test
    void anIdleUnitLoadedOrUnloadedIsNoEvent() {
        changes.changed("demo.service", Optional.empty(), state(ActiveState.INACTIVE, "dead", 0));
        changes.changed("demo.service", state(ActiveState.INACTIVE, "dead", 0), Optional.empty());
        assertThat(details()).isEmpty();
    }
}
