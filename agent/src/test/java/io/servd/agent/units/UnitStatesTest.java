package io.servd.agent.units;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link UnitStates} against a real dbus-daemon of the test's own ({@link PrivateBus}) and a fake
 * {@code org.freedesktop.systemd1} on it ({@link FakeSystemd}): every wait is for an event the watch
 * reports, never a sleep.
 */
class UnitStatesTest {
    private static final long WAIT_SECONDS = 20;
    /** 2023-11-14T22:13:20.123456Z as systemd sends it: µs since the epoch. */
    private static final long STARTED_US = 1_700_000_000_123_456L;

    @TempDir
    Path dir;

    private PrivateBus bus;
    private FakeSystemd systemd;
    private UnitStates states;
    private final Events events = new Events();

    @BeforeEach
    void startBus() throws Exception {
        bus = PrivateBus.start(dir);
        systemd = FakeSystemd.start(bus.address())
                .unit("foo.service", "active", "running")
                .set("foo.service", FakeSystemd.UNIT, "ActiveEnterTimestamp", new UInt64(STARTED_US))
                .set("foo.service", FakeSystemd.SERVICE, "NRestarts", new UInt32(2))
                .set("foo.service", FakeSystemd.SERVICE, "MainPID", new UInt32(1234))
                .unit("broken.service", "failed", "failed")
                .set("broken.service", FakeSystemd.SERVICE, "Result", "exit-code")
                .unit("multi-user.target", "active", "active")
                .takeName();
    }

    @AfterEach
    void stop() throws Exception {
        if (states != null) {
            states.close();
        }
        if (systemd != null) {
            systemd.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    /** Watches the bus until the first listing is done; the listener then has nothing queued. */
    private void watch() throws Exception {
        states = UnitStates.watch(bus.address());
        states.addListener(events);
        // the listener may come after the first listing: wait for either
        if (!states.isAvailable()) {
            events.awaitAvailability(Optional::isEmpty);
        }
        states.awaitQueued(); // the first listing's changes, if the listener saw them, are all told now
        events.changes.clear();
    }

    /** servd's order: the states exist (and answer "not yet listed") from the start, the bus is touched after READY=1. */
    @Test
    void connectsOnlyWhenStartedAndOnce() throws Exception {
        states = UnitStates.unstarted(bus.address());
        states.addListener(events);
        states.awaitQueued();

        assertThat(states.unavailabilityCause()).hasValueSatisfying(c -> assertThat(c).startsWith("not yet listed from "));
        assertThat(states.all()).isEmpty();
        assertThat(systemd.subscribes).isZero();

        states.start();
        events.awaitAvailability(Optional::isEmpty);
        states.start(); // a no-op: no second connection, no second listing
        states.awaitQueued();

        assertThat(states.all().keySet()).containsExactly("broken.service", "foo.service", "multi-user.target");
        assertThat(systemd.subscribes).isEqualTo(1);
    }

    @Test
    void listsEveryLoadedUnitWithItsState() throws Exception {
        watch();

        assertThat(states.all().keySet()).containsExactly("broken.service", "foo.service", "multi-user.target");
        assertThat(states.get("foo.service")).contains(new UnitState("foo.service", ActiveState.ACTIVE, "running",
                Optional.of("success"), OptionalLong.of(2), Optional.of(Instant.parse("2023-11-14T22:13:20.123456Z")),
                OptionalLong.of(1234)));
        assertThat(states.get("foo.service").orElseThrow().activeEnterMicros()).hasValue(STARTED_US);
        // a failed unit has no cgroup, but a state
        UnitState broken = states.get("broken.service").orElseThrow();
        assertThat(broken.activeState()).isEqualTo(ActiveState.FAILED);
        assertThat(broken.result()).contains("exit-code");
        assertThat(broken.mainPid()).isEmpty(); // MainPID 0: no main process
        assertThat(broken.activeEnter()).isEmpty(); // 0: never active
        // a target has neither Result nor NRestarts nor MainPID
        assertThat(states.get("multi-user.target")).contains(UnitState.of("multi-user.target", ActiveState.ACTIVE, "active")
                .withActiveEnter(Optional.empty()));
        assertThat(states.unavailabilityCause()).isEmpty();
        assertThat(systemd.subscribes).isEqualTo(1);
    }

    @Test
    void unitNewAddsAUnit() throws Exception {
        watch();

        systemd.unit("new.service", "activating", "start");
        systemd.unitNew("new.service");

        Change c = events.await(e -> e.unit().equals("new.service"));
        assertThat(c.before()).isEmpty();
        assertThat(c.after().orElseThrow().activeState()).isEqualTo(ActiveState.ACTIVATING);
        assertThat(states.get("new.service").orElseThrow().subState()).isEqualTo("start");
    }

    /**
     * A unit loaded inactive (systemd loads units at will: {@code systemctl show evil.service}) is taken from
     * ListUnits without a Properties.Get of its path: on systemd, a Get of an unloaded unit's path loads it
     * again, another UnitNew, and servd read evil.service 31 times a second for as long as it ran.
     */
    @Test
    void aUnitLoadedInactiveIsNotReadByItsPath() throws Exception {
        watch();

        systemd.unit("evil.service", "inactive", "dead");
        systemd.unitNew("evil.service");

        Change c = events.await(e -> e.unit().equals("evil.service"));
        assertThat(c.after().orElseThrow().activeState()).isEqualTo(ActiveState.INACTIVE);
        assertThat(systemd.gets).doesNotContainKey("evil.service");
    }

    @Test
    void propertiesChangedTurnsAnActiveUnitFailed() throws Exception {
        watch();

        systemd.changed("foo.service", FakeSystemd.UNIT, Map.of("ActiveState", "failed", "SubState", "failed"));

        Change c = events.await(e -> e.unit().equals("foo.service"));
        assertThat(c.before().orElseThrow().activeState()).isEqualTo(ActiveState.ACTIVE);
        assertThat(c.after().orElseThrow().activeState()).isEqualTo(ActiveState.FAILED);
        assertThat(c.after().orElseThrow().subState()).isEqualTo("failed");
        assertThat(states.get("foo.service").orElseThrow().activeState()).isEqualTo(ActiveState.FAILED);
    }

    /** systemd 252 may send Service's NRestarts, Result and MainPID as invalidated only: they are read again. */
    @Test
    void invalidatedServicePropertiesAreReadAgain() throws Exception {
        watch();

        systemd.invalidated("foo.service", FakeSystemd.SERVICE,
                Map.of("NRestarts", new UInt32(3), "MainPID", new UInt32(4321), "Result", "signal"));

        Change c = events.await(e -> e.unit().equals("foo.service"));
        UnitState after = c.after().orElseThrow();
        assertThat(after.nRestarts()).hasValue(3);
        assertThat(after.mainPid()).hasValue(4321);
        assertThat(after.result()).contains("signal");
    }

    @Test
    void unitRemovedDropsTheUnit() throws Exception {
        watch();

        systemd.unitRemoved("broken.service");

        Change c = events.await(e -> e.unit().equals("broken.service"));
        assertThat(c.after()).isEmpty();
        assertThat(c.before().orElseThrow().activeState()).isEqualTo(ActiveState.FAILED);
        assertThat(states.get("broken.service")).isEmpty();
    }

    /** A value of the wrong type is left out with a log line naming it; the rest of the unit stays. */
    @Test
    void aMalformedValueIsLeftOutNotThrown() throws Exception {
        systemd.set("foo.service", FakeSystemd.SERVICE, "NRestarts", "three");
        watch();

        UnitState foo = states.get("foo.service").orElseThrow();
        assertThat(foo.nRestarts()).isEmpty();
        assertThat(foo.mainPid()).hasValue(1234);

        systemd.changed("foo.service", FakeSystemd.UNIT, Map.of("ActiveState", "exploded", "SubState", "dead"));
        Change c = events.await(e -> e.unit().equals("foo.service"));
        assertThat(c.after().orElseThrow().activeState()).isEqualTo(ActiveState.ACTIVE); // unknown word refused
        assertThat(c.after().orElseThrow().subState()).isEqualTo("dead");
    }

    /** systemd restarting: its name is lost (states unavailable), then taken again: subscribed and listed anew. */
    @Test
    void systemdRestartingIsFollowedByANewListing() throws Exception {
        watch();

        systemd.close();
        assertThat(events.awaitAvailability(Optional::isPresent)).hasValueSatisfying(
                cause -> assertThat(cause).contains("systemd left"));
        assertThat(states.all()).isEmpty();
        assertThat(states.get("foo.service")).isEmpty();

        systemd = FakeSystemd.start(bus.address())
                .unit("foo.service", "active", "running")
                .unit("later.service", "active", "running")
                .takeName();

        events.awaitAvailability(Optional::isEmpty);
        // only what differs from the last states known is told
        assertThat(events.await(e -> e.unit().equals("broken.service")).after()).isEmpty();
        assertThat(events.await(e -> e.unit().equals("later.service")).before()).isEmpty();
        assertThat(states.all().keySet()).containsExactly("foo.service", "later.service");
        assertThat(systemd.subscribes).isEqualTo(1);
    }

    /**
     * A daemon-reload on systemd 252: UnitRemoved and UnitNew for every unit while it runs are no changes
     * (the units stay, and reading each one again kept servd-unit-states busy for minutes in the VM); at its
     * end one ListUnits says what did change: a unit in another state, a new one, one no longer loaded. A
     * unit whose state did not move is not read at all, and keeps what servd knew of it.
     */
    @Test
    void aDaemonReloadTellsOnlyWhatItChanged() throws Exception {
        watch();
        int fooGets = systemd.gets.get("foo.service").get();

        systemd.reloading(true);
        for (String unit : List.of("foo.service", "broken.service", "multi-user.target")) {
            systemd.removedAndNewAgain(unit);
        }
        systemd.set("broken.service", FakeSystemd.UNIT, "ActiveState", "inactive")
                .set("broken.service", FakeSystemd.UNIT, "SubState", "dead");
        systemd.unit("late.service", "active", "running");
        systemd.forget("multi-user.target");
        systemd.reloading(false);

        // the reconcile is one task: its first change (the unit gone) seen, the rest are told when it is done
        List<Change> told = events.awaitCollecting(e -> e.unit().equals("multi-user.target"));
        states.awaitQueued();
        events.changes.drainTo(told);
        assertThat(told).extracting(Change::unit).containsExactlyInAnyOrder("broken.service", "late.service",
                "multi-user.target");
        assertThat(told).filteredOn(c -> c.unit().equals("broken.service")).singleElement()
                .satisfies(c -> assertThat(c.after().orElseThrow().activeState()).isEqualTo(ActiveState.INACTIVE));
        assertThat(told).filteredOn(c -> c.unit().equals("multi-user.target")).singleElement()
                .satisfies(c -> assertThat(c.after()).isEmpty());
        assertThat(states.all().keySet()).containsExactly("broken.service", "foo.service", "late.service");
        assertThat(states.get("foo.service").orElseThrow().nRestarts()).hasValue(2);
        assertThat(systemd.gets.get("foo.service").get()).as("Gets of the unchanged unit").isEqualTo(fooGets);

        // and the signals after it are followed as before
        systemd.changed("foo.service", FakeSystemd.UNIT, Map.of("ActiveState", "failed", "SubState", "failed"));
        assertThat(events.await(e -> e.unit().equals("foo.service")).after().orElseThrow().activeState())
                .isEqualTo(ActiveState.FAILED);
    }

    /** The bus dying: states unavailable; the same bus back: reconnected and listed. */
    @Test
    void theBusDyingMakesTheStatesAbsentUntilItIsBack() throws Exception {
        watch();

        bus.kill();
        assertThat(events.awaitAvailability(Optional::isPresent)).isPresent();
        assertThat(states.all()).isEmpty();
        assertThat(states.unavailabilityCause()).isPresent();

        bus.startDaemon();
        systemd = FakeSystemd.start(bus.address())
                .unit("foo.service", "active", "running")
                .takeName();

        events.awaitAvailability(Optional::isEmpty);
        assertThat(states.all().keySet()).containsExactly("foo.service");
    }

    /**
     * The first listing is where the states start, not a change of each unit: a listener there before it
     * hears nothing of it (servd's event ring and journal got a unit-state event for every unit of the
     * host at each start), and then every real change.
     */
    @Test
    void theFirstListingIsNoChange() throws Exception {
        systemd.close(); // not on the bus yet: the watch waits for it, with its listener already added
        states = UnitStates.watch(bus.address());
        states.addListener(events);

        systemd = FakeSystemd.start(bus.address())
                .unit("foo.service", "active", "running")
                .unit("broken.service", "failed", "failed")
                .takeName();
        events.awaitAvailability(Optional::isEmpty);
        states.awaitQueued();

        assertThat(states.all().keySet()).containsExactly("broken.service", "foo.service");
        assertThat(events.changes).isEmpty();
        systemd.changed("foo.service", FakeSystemd.UNIT, Map.of("ActiveState", "deactivating", "SubState", "stop-sigterm"));
        Change c = events.await(e -> e.unit().equals("foo.service"));
        assertThat(c.before().orElseThrow().activeState()).isEqualTo(ActiveState.ACTIVE);
        assertThat(c.after().orElseThrow().activeState()).isEqualTo(ActiveState.DEACTIVATING);
    }

    @Test
    void noBusMeansUnavailableWithTheCause() throws Exception {
        bus.kill();
        states = UnitStates.watch(bus.address());
        states.addListener(events);

        assertThat(states.all()).isEmpty();
        assertThat(states.unavailabilityCause()).hasValueSatisfying(cause -> assertThat(cause).contains(bus.address()));
    }

    /** A change seen by the listener: {@link UnitStateListener#changed}. */
    record Change(String unit, Optional<UnitState> before, Optional<UnitState> after) {
    }

    /** Records what the watch tells, for the test to wait on. */
    private static final class Events implements UnitStateListener {
        private final BlockingQueue<Change> changes = new LinkedBlockingQueue<>();
        private final BlockingQueue<Optional<String>> availability = new LinkedBlockingQueue<>();

        @Override
        public void changed(String unit, Optional<UnitState> before, Optional<UnitState> after) {
            changes.add(new Change(unit, before, after));
        }

        @Override
        public void availabilityChanged(Optional<String> cause) {
            availability.add(cause);
        }

        Change await(Predicate<Change> which) throws InterruptedException {
            for (Change c; (c = changes.poll(WAIT_SECONDS, TimeUnit.SECONDS)) != null; ) {
                if (which.test(c)) {
                    return c;
                }
            }
            throw new AssertionError("no such change within " + WAIT_SECONDS + " s");
        }

        /** Every change up to and including the first {@code which} matches. */
        List<Change> awaitCollecting(Predicate<Change> which) throws InterruptedException {
            List<Change> seen = new java.util.ArrayList<>();
            for (Change c; (c = changes.poll(WAIT_SECONDS, TimeUnit.SECONDS)) != null; ) {
                seen.add(c);
                if (which.test(c)) {
                    return seen;
                }
            }
            throw new AssertionError("no such change within " + WAIT_SECONDS + " s; saw " + seen);
        }

        Optional<String> awaitAvailability(Predicate<Optional<String>> which) throws InterruptedException {
            for (Optional<String> a; (a = availability.poll(WAIT_SECONDS, TimeUnit.SECONDS)) != null; ) {
                if (which.test(a)) {
                    return a;
                }
            }
            throw new AssertionError("no such availability change within " + WAIT_SECONDS + " s");
        }
    }
}
