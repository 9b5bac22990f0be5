package io.servd.agent.limits;

import io.servd.cgroup.unit.DbusProperty;
import io.servd.cgroup.unit.UnitName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.freedesktop.dbus.DBusAsyncReply;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;

/**
 * {@link SystemdLimitsApplier.Bus} over one system-bus connection. Every call is asynchronous, so that
 * the wait is ours ({@link SystemdLimitsApplier#APPLY_TIMEOUT}), and so that an error answer is read as
 * systemd sent it.
 */
final class DbusBus implements SystemdLimitsApplier.Bus {

    private static final String SYSTEMD = "org.freedesktop.systemd1";

    private final DBusConnection connection;
    private final SystemdLimitsApplier.Manager manager;
    /** When the apply's {@link SystemdLimitsApplier#APPLY_TIMEOUT} ends ({@link System#nanoTime()}). */
    private final long deadline = System.nanoTime() + SystemdLimitsApplier.APPLY_TIMEOUT.toNanos();

    private DbusBus(DBusConnection connection) throws DBusException {
        this.connection = connection;
        this.manager = connection.getRemoteObject(SYSTEMD, "/org/freedesktop/systemd1", SystemdLimitsApplier.Manager.class);
    }

    static DbusBus open() throws LimitsException {
        try {
            DBusConnection connection = DBusConnectionBuilder.forSystemBus().withShared(false).build();
            try {
                return new DbusBus(connection);
            } catch (DBusException e) {
                connection.close();
                throw e;
            }
        } catch (DBusException | IOException e) {
            throw new LimitsException(LimitsException.Reason.FAILED, "system bus: " + e.getMessage(), e);
        }
    }

    @Override
    public List<DbusProperty> read(UnitName unit, List<String> properties) throws LimitsException {
        DBusPath path = (DBusPath) await(connection.callMethodAsync(manager, "LoadUnit", unit.name()), "LoadUnit", unit, List.of());
        String iface = SYSTEMD + "." + unit.type().substring(0, 1).toUpperCase(Locale.ROOT) + unit.type().substring(1);
        List<DbusProperty> values = new ArrayList<>(properties.size());
        try {
            Properties props = connection.getRemoteObject(SYSTEMD, path.getPath(), Properties.class);
            for (String name : properties) {
                Object value = await(connection.callMethodAsync(props, "Get", iface, name), "Get " + iface + "." + name, unit, List.of());
                Object shown = value;
                values.add(SystemdLimitsApplier.fromWire(name, value).orElseThrow(() -> new LimitsException(
                        LimitsException.Reason.FAILED, "property [" + iface + "." + name + "] of [" + unit + "] is [" + shown
                        + "], not a t, ay or a(st)", null)));
            }
        } catch (DBusException e) {
            throw new LimitsException(LimitsException.Reason.FAILED, "system bus: " + e.getMessage(), e);
        }
        return values;
    }

    @Override
    public void set(UnitName unit, boolean runtime, List<DbusProperty> properties) throws LimitsException {
        List<SystemdLimitsApplier.Property> args = new ArrayList<>(properties.size());
        for (DbusProperty p : properties) {
            args.add(new SystemdLimitsApplier.Property(p.name(), SystemdLimitsApplier.variant(p)));
        }
        await(connection.callMethodAsync(manager, "SetUnitProperties", unit.name(), runtime, args), "SetUnitProperties", unit,
                properties);
    }

    /**
     * Waits for {@code reply} until the apply's {@link #deadline} and returns its value (null for
     * a void method), or throws systemd's error as a {@link LimitsException}. The answer message itself is
     * read, not {@code DBusAsyncReply.getReply()}: for a void method that throws NoReply even after a success
     * (seen in the VM).
     */
    private Object await(DBusAsyncReply<?> reply, String call, UnitName unit, List<DbusProperty> args)
            throws LimitsException {
        for (long left = (deadline - System.nanoTime()) / 1_000_000; !reply.getCall().hasReply() && left > 0;
             left = Thread.currentThread().isInterrupted() ? 0 : (deadline - System.nanoTime()) / 1_000_000) {
            reply.getCall().getReply(left); // waits at most left ms; may wake early
        }
        String what = call + " [" + unit + "]" + (args.isEmpty() ? "" : " " + args);
        if (!reply.getCall().hasReply()) {
            throw new LimitsException(LimitsException.Reason.TIMED_OUT, what + ": no answer from systemd within ["
                    + SystemdLimitsApplier.APPLY_TIMEOUT.toMillis() + " ms] of the apply; systemd may still carry it out", null);
        }
        try {
            if (reply.getCall().getReply() instanceof org.freedesktop.dbus.messages.Error error) {
                error.throwException(); // systemd's error, as the synchronous call would have thrown it
            }
            Object[] values = reply.getCall().getReply().getParameters();
            return values == null || values.length == 0 ? null : values[0];
        } catch (DBusExecutionException e) {
            String type = SystemdLimitsApplier.errorName(e, unit.name());
            throw new LimitsException(SystemdLimitsApplier.reason(type), what + " failed: [" + type + "] " + e.getMessage(), e);
        } catch (DBusException e) {
            throw new LimitsException(LimitsException.Reason.FAILED, what + ": unreadable answer: " + e.getMessage(), e);
        }
    }

    /** {@code org.freedesktop.systemd1.Manager.Version}, e.g. {@code "252.22-1~deb12u1"}: its leading number. */
    @Override
    public java.util.OptionalInt systemdVersion() throws LimitsException {
        UnitName manager = UnitName.of("-.slice"); // only names the call in messages
        try {
            Properties props = connection.getRemoteObject(SYSTEMD, "/org/freedesktop/systemd1", Properties.class);
            Object value = await(connection.callMethodAsync(props, "Get", SYSTEMD + ".Manager", "Version"),
                    "Get " + SYSTEMD + ".Manager.Version", manager, List.of());
            if (value instanceof Variant<?> v) {
                value = v.getValue();
            }
            return value instanceof String version ? SystemdLimitsApplier.majorVersion(version) : java.util.OptionalInt.empty();
        } catch (DBusException e) {
            return java.util.OptionalInt.empty();
        }
    }

    @Override
    public Optional<Boolean> polkitOnBus() {
        return PolkitDenial.polkitOnBus(() -> connection.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class));
    }

    @Override
    public void close() {
        connection.disconnect();
    }
}
