package io.servd.agent.units;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;

/**
 * {@code org.freedesktop.systemd1} as systemd 252 shows it on the bus, for the parts {@link UnitStates}
 * uses: the manager's {@code ListUnits} and {@code Subscribe}, unit objects answering
 * {@code Properties.Get}, and the signals. Each unit's properties are kept by interface, as systemd's
 * objects carry them.
 */
final class FakeSystemd implements AutoCloseable {
    static final String UNIT = "org.freedesktop.systemd1.Unit";
    static final String SERVICE = "org.freedesktop.systemd1.Service";

    private final DBusConnection connection;
    /** unit → interface → property → value. */
    private final Map<String, Map<String, Map<String, Variant<?>>>> units = new ConcurrentHashMap<>();
    volatile int subscribes;
    /** Properties.Get calls answered, per unit. */
    final Map<String, java.util.concurrent.atomic.AtomicInteger> gets = new ConcurrentHashMap<>();

    private FakeSystemd(DBusConnection connection) {
        this.connection = connection;
    }

    /** Connects to {@code address}, exports the manager and takes the name {@code org.freedesktop.systemd1}. */
    static FakeSystemd start(String address) throws DBusException {
        var fake = new FakeSystemd(DBusConnectionBuilder.forAddress(address).withShared(false).build());
        fake.connection.exportObject(SystemdUnitsBus.MANAGER_PATH, fake.new Manager());
        return fake;
    }

    /** Adds a unit (before {@link #takeName()}, or followed by {@link #unitNew}). */
    FakeSystemd unit(String unit, String active, String sub) throws DBusException {
        Map<String, Map<String, Variant<?>>> ifaces = new ConcurrentHashMap<>();
        Map<String, Variant<?>> unitProps = new ConcurrentHashMap<>();
        unitProps.put("Id", new Variant<>(unit));
        unitProps.put("ActiveState", new Variant<>(active));
        unitProps.put("SubState", new Variant<>(sub));
        unitProps.put("ActiveEnterTimestamp", new Variant<>(new UInt64(0)));
        ifaces.put(UNIT, unitProps);
        if (unit.endsWith(".service")) {
            Map<String, Variant<?>> service = new ConcurrentHashMap<>();
            service.put("Result", new Variant<>("success"));
            service.put("NRestarts", new Variant<>(new UInt32(0)));
            service.put("MainPID", new Variant<>(new UInt32(0)));
            ifaces.put(SERVICE, service);
        }
        units.put(unit, ifaces);
        connection.exportObject(path(unit), new UnitObject(unit));
        return this;
    }

    /** Sets a property without a signal (as systemd does for what it only invalidates). */
    FakeSystemd set(String unit, String iface, String property, Object value) {
        units.get(unit).get(iface).put(property, value instanceof Variant<?> v ? v : new Variant<>(value));
        return this;
    }

    FakeSystemd takeName() throws DBusException {
        connection.requestBusName(SystemdUnitsBus.SYSTEMD);
        return this;
    }

    void unitNew(String unit) throws DBusException {
        connection.sendMessage(new SystemdManager.UnitNew(SystemdUnitsBus.MANAGER_PATH, unit, new DBusPath(path(unit))));
    }

    void unitRemoved(String unit) throws DBusException {
        units.remove(unit);
        connection.unExportObject(path(unit));
        connection.sendMessage(new SystemdManager.UnitRemoved(SystemdUnitsBus.MANAGER_PATH, unit,
                new DBusPath(path(unit))));
    }

    /** {@code Reloading(active)}: a daemon-reload begins (true) or ends (false). */
    void reloading(boolean active) throws DBusException {
        connection.sendMessage(new SystemdManager.Reloading(SystemdUnitsBus.MANAGER_PATH, active));
    }

    /** What systemd 252 sends for every unit it holds during a daemon-reload: UnitRemoved then UnitNew, the unit staying. */
    void removedAndNewAgain(String unit) throws DBusException {
        connection.sendMessage(new SystemdManager.UnitRemoved(SystemdUnitsBus.MANAGER_PATH, unit, new DBusPath(path(unit))));
        connection.sendMessage(new SystemdManager.UnitNew(SystemdUnitsBus.MANAGER_PATH, unit, new DBusPath(path(unit))));
    }

    /** Drops a unit without a signal (a daemon-reload that no longer loads it). */
    void forget(String unit) throws DBusException {
        units.remove(unit);
        connection.unExportObject(path(unit));
    }

    /** Sets the properties and sends PropertiesChanged with their values, as systemd does for Unit's. */
    void changed(String unit, String iface, Map<String, Object> values) throws DBusException {
        Map<String, Variant<?>> changed = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            set(unit, iface, k, v);
            changed.put(k, units.get(unit).get(iface).get(k));
        });
        connection.sendMessage(new Properties.PropertiesChanged(path(unit), iface, changed, List.of()));
    }

    /** Sets the properties and sends PropertiesChanged naming them only, as systemd 252 may for Service's. */
    void invalidated(String unit, String iface, Map<String, Object> values) throws DBusException {
        values.forEach((k, v) -> set(unit, iface, k, v));
        connection.sendMessage(new Properties.PropertiesChanged(path(unit), iface, Map.of(),
                new ArrayList<>(values.keySet())));
    }

    /** systemd's object path of {@code unit}: bytes other than [A-Za-z0-9] as {@code _xx}. */
    static String path(String unit) {
        StringBuilder p = new StringBuilder(SystemdUnitsBus.UNIT_PATHS).append('/');
        for (char c : unit.toCharArray()) {
            if (Character.isLetterOrDigit(c) && c < 128) {
                p.append(c);
            } else {
                p.append('_').append(String.format("%02x", (int) c));
            }
        }
        return p.toString();
    }

    /** Leaves the bus: systemd going away (its name is lost). */
    @Override
    public void close() {
        connection.disconnect();
    }

    private final class Manager implements SystemdManager {
        @Override
        public List<ListedUnit> ListUnits() {
            List<ListedUnit> rows = new ArrayList<>();
            for (var e : new HashMap<>(units).entrySet()) {
                Map<String, Variant<?>> unit = e.getValue().get(UNIT);
                rows.add(new ListedUnit(e.getKey(), e.getKey(), "loaded", (String) unit.get("ActiveState").getValue(),
                        (String) unit.get("SubState").getValue(), "", new DBusPath(path(e.getKey())), new UInt32(0), "",
                        new DBusPath("/")));
            }
            return rows;
        }

        @Override
        public void Subscribe() {
            subscribes++;
        }

        @Override
        public String getObjectPath() {
            return SystemdUnitsBus.MANAGER_PATH;
        }
    }

    private final class UnitObject implements Properties {
        private final String unit;

        UnitObject(String unit) {
            this.unit = unit;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <A> A Get(String iface, String property) {
            gets.computeIfAbsent(unit, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            Map<String, Map<String, Variant<?>>> u = units.get(unit);
            Variant<?> v = u == null || u.get(iface) == null ? null : u.get(iface).get(property);
            if (v == null) {
                throw new org.freedesktop.dbus.exceptions.DBusExecutionException("Unknown property " + iface + "." + property);
            }
            return (A) v;
        }

        @Override
        public <A> void Set(String iface, String property, A value) {
            throw new UnsupportedOperationException("read-only fake");
        }

        @Override
        public Map<String, Variant<?>> GetAll(String iface) {
            return Map.copyOf(units.get(unit).getOrDefault(iface, Map.of()));
        }

        @Override
        public String getObjectPath() {
            return path(unit);
        }
    }
}
