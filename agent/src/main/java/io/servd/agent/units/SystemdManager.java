package io.servd.agent.units;

import java.util.List;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;

/**
 * The part of systemd's {@code org.freedesktop.systemd1.Manager} (object {@code /org/freedesktop/systemd1},
 * {@code org.freedesktop.systemd1(5)}) that {@link UnitStates} uses: list the units once, then subscribe
 * to their changes. Public only because dbus-java builds proxies and signals by reflection; it is the
 * wire, not servd's API.
 */
@DBusInterfaceName("org.freedesktop.systemd1.Manager")
@SuppressWarnings("checkstyle:MethodName") // D-Bus member names are PascalCase
public interface SystemdManager extends DBusInterface {

    /** Every unit systemd has loaded, whatever its state: {@code a(ssssssouso)}. */
    List<ListedUnit> ListUnits();

    /**
     * Asks systemd to send {@link UnitNew}, {@link UnitRemoved}, {@code PropertiesChanged} of unit objects
     * and {@link Reloading}: without a subscriber it emits them only while a job runs. A subscription
     * ends with the subscriber's connection (or systemd's restart).
     */
    void Subscribe();

    /** One row of {@link #ListUnits()}. dbus-java reads the struct's signature from the positioned fields. */
    final class ListedUnit extends Struct {
        @Position(0)
        private final String name;
        @Position(1)
        private final String description;
        @Position(2)
        private final String loadState;
        @Position(3)
        private final String activeState;
        @Position(4)
        private final String subState;
        @Position(5)
        private final String following;
        @Position(6)
        private final DBusPath path;
        @Position(7)
        private final UInt32 jobId;
        @Position(8)
        private final String jobType;
        @Position(9)
        private final DBusPath jobPath;

        @SuppressWarnings("checkstyle:ParameterNumber") // the struct's ten fields, as systemd sends them
        public ListedUnit(String name, String description, String loadState, String activeState, String subState,
                          String following, DBusPath path, UInt32 jobId, String jobType, DBusPath jobPath) {
            this.name = name;
            this.description = description;
            this.loadState = loadState;
            this.activeState = activeState;
            this.subState = subState;
            this.following = following;
            this.path = path;
            this.jobId = jobId;
            this.jobType = jobType;
            this.jobPath = jobPath;
        }

        public String getName() {
            return name;
        }

        public String getDescription() {
            return description;
        }

        public String getLoadState() {
            return loadState;
        }

        public String getActiveState() {
            return activeState;
        }

        public String getSubState() {
            return subState;
        }

        public String getFollowing() {
            return following;
        }

        public DBusPath getPath() {
            return path;
        }

        public UInt32 getJobId() {
            return jobId;
        }

        public String getJobType() {
            return jobType;
        }

        public DBusPath getJobPath() {
            return jobPath;
        }
    }

    /*
     * UnitNew and UnitRemoved repeat each other on purpose: dbus-java introspects every DBusSignal class
     * nested in the interface as a signal of its own, so a shared abstract base class breaks the export
     * ("Index 0 out of bounds" when a fake systemd1 exports the manager, seen in UnitStatesTest).
     */

    /** {@code UnitNew(s id, o unit)}: a unit was loaded. */
    class UnitNew extends DBusSignal {
        private final String id;
        private final DBusPath unit;

        public UnitNew(String path, String id, DBusPath unit) throws DBusException {
            super(path, id, unit);
            this.id = id;
            this.unit = unit;
        }

        public String id() {
            return id;
        }

        public DBusPath unit() {
            return unit;
        }
    }

    /** {@code UnitRemoved(s id, o unit)}: a unit was unloaded (garbage-collected, or reset-failed). */
    class UnitRemoved extends DBusSignal {
        private final String id;
        private final DBusPath unit;

        public UnitRemoved(String path, String id, DBusPath unit) throws DBusException {
            super(path, id, unit);
            this.id = id;
            this.unit = unit;
        }

        public String id() {
            return id;
        }

        public DBusPath unit() {
            return unit;
        }
    }

    /** {@code Reloading(b active)}: a daemon-reload begins (true) or has finished (false). */
    class Reloading extends DBusSignal {
        private final boolean active;

        public Reloading(String path, boolean active) throws DBusException {
            super(path, active);
            this.active = active;
        }

        public boolean active() {
            return active;
        }
    }
}
