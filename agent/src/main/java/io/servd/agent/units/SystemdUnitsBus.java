package io.servd.agent.units;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.freedesktop.dbus.connections.IDisconnectCallback;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.matchrules.DBusMatchRuleBuilder;
import org.freedesktop.dbus.types.Variant;

/**
 * One connection to a bus on which systemd's manager is read: the signals {@link UnitStates} follows,
 * handed to {@link Events} as they arrive (on dbus-java's one signal thread, in the bus's order), and
 * the calls it makes. Every call blocks: it is made on {@code servd-unit-states}, never on an event loop.
 */
final class SystemdUnitsBus implements AutoCloseable {
    static final String SYSTEMD = "org.freedesktop.systemd1";
    static final String MANAGER_PATH = "/org/freedesktop/systemd1";
    /** Unit objects live below this path: {@code /org/freedesktop/systemd1/unit/foo_2eservice}. */
    static final String UNIT_PATHS = "/org/freedesktop/systemd1/unit";

    /** What the bus tells, one call per signal. */
    interface Events {
        void unitNew(String unit, String path);

        void unitRemoved(String unit, String path);

        void propertiesChanged(String path, String iface, Map<String, Variant<?>> changed, List<String> invalidated);

        /** A daemon-reload begins ({@code active}) or has finished. */
        void reloading(boolean active);

        /** {@code org.freedesktop.systemd1} changed hands: {@code newOwner} empty when systemd left the bus. */
        void systemdOwner(String newOwner);

        /** The connection is gone (the bus daemon died or closed it). */
        void disconnected(String cause);
    }

    /**
     * Which bus to connect to.
     *
     * @param description for log lines, e.g. {@code the system bus}
     * @param builder     a fresh builder per connection
     */
    record Bus(String description, Supplier<DBusConnectionBuilder> builder) {
        Bus {
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(builder, "builder");
        }

        static Bus system() {
            return new Bus("the system bus", DBusConnectionBuilder::forSystemBus);
        }

        static Bus at(String address) {
            return new Bus("bus [" + address + "]", () -> DBusConnectionBuilder.forAddress(address));
        }

        @Override
        public String toString() {
            return description;
        }
    }

    private final DBusConnection connection;
    private final SystemdManager manager;

    private SystemdUnitsBus(DBusConnection connection) throws DBusException {
        this.connection = connection;
        this.manager = connection.getRemoteObject(SYSTEMD, MANAGER_PATH, SystemdManager.class);
    }

    /**
     * Connects to {@code bus} and listens for systemd's signals (without subscribing yet: {@link #subscribe()}).
     *
     * @throws DBusException when the bus cannot be reached or refuses the match rules
     */
    static SystemdUnitsBus open(Bus bus, Events events) throws DBusException {
        DBusConnection connection = bus.builder().get()
                .withShared(false)
                // one signal thread: the signals reach Events in the order the bus sent them
                .receivingThreadConfig().withSignalThreadCount(1).connectionConfig()
                .withDisconnectCallback(new IDisconnectCallback() {
                    @Override
                    public void disconnectOnError(IOException e) {
                        events.disconnected("connection to " + bus + " lost: " + e.getMessage());
                    }
                })
                .build();
        try {
            var b = new SystemdUnitsBus(connection);
            b.listen(events);
            return b;
        } catch (DBusException | RuntimeException e) {
            connection.disconnect();
            throw e;
        }
    }

    private void listen(Events events) throws DBusException {
        connection.addSigHandler(SystemdManager.UnitNew.class,
                s -> events.unitNew(s.id(), s.unit().getPath()));
        connection.addSigHandler(SystemdManager.UnitRemoved.class,
                s -> events.unitRemoved(s.id(), s.unit().getPath()));
        connection.addSigHandler(SystemdManager.Reloading.class, s -> events.reloading(s.active()));
        connection.addSigHandler(DBusMatchRuleBuilder.create().withType(Properties.PropertiesChanged.class)
                .withPathNamespace(UNIT_PATHS).build(), (Properties.PropertiesChanged s) -> events.propertiesChanged(
                        s.getPath(), s.getInterfaceName(), s.getPropertiesChanged(), s.getPropertiesRemoved()));
        connection.addSigHandler(DBusMatchRuleBuilder.create().withType(DBus.NameOwnerChanged.class)
                .withArg0123(0, SYSTEMD).build(), (DBus.NameOwnerChanged s) -> {
                    if (SYSTEMD.equals(s.name)) {
                        events.systemdOwner(s.newOwner);
                    }
                });
    }

    /** {@code Manager.Subscribe}: systemd's change signals, until this connection ends. */
    void subscribe() {
        manager.Subscribe();
    }

    /** {@code Manager.ListUnits}. */
    List<SystemdManager.ListedUnit> listUnits() {
        return manager.ListUnits();
    }

    /**
     * {@code org.freedesktop.DBus.Properties.Get} on the unit object at {@code path}.
     *
     * @throws org.freedesktop.dbus.exceptions.DBusExecutionException systemd's error (unit gone, no such property)
     */
    Object get(String path, String iface, String member) throws DBusException {
        Properties props = connection.getRemoteObject(SYSTEMD, path, Properties.class);
        return props.Get(iface, member);
    }

    /** Ends the connection; its signal handlers and systemd's subscription end with it. */
    @Override
    public void close() {
        connection.disconnect();
    }
}
