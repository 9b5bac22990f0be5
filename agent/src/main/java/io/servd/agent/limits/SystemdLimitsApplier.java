package io.servd.agent.limits;

import io.servd.cgroup.unit.DbusProperty;
import io.servd.cgroup.unit.DirectiveKind;
import io.servd.cgroup.unit.IoDeviceDirective;
import io.servd.cgroup.unit.ResourceDirective;
import io.servd.cgroup.unit.DropInScope;
import io.servd.cgroup.unit.UnitName;
import io.servd.agent.units.UnitCgroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;

/**
 * Applies limits as {@code systemctl set-property} does: one
 * {@code org.freedesktop.systemd1.Manager.SetUnitProperties(name, runtime, a(sv))} call on the system
 * bus, which makes systemd write the drop-ins and realize the cgroup before it answers. servd runs
 * unprivileged; the shipped polkit rule grants its user this call (action
 * {@code org.freedesktop.systemd1.manage-units}, verb {@code set-property}) and nothing else. One
 * connection per apply: changes are rare, and no connection state outlives a failure.
 *
 * <p>All or nothing, where systemd alone is not: it answers success when it could not write a drop-in
 * (a full file system, {@link DropInCheck}), leaving the new values live but not on disk, so the next
 * {@code daemon-reload} undoes them. So an apply refuses up front when the drop-ins cannot fit, reads the
 * planned properties' current values, makes the call, reads the drop-ins back, and when one is not there
 * sets the values read before back and fails.
 *
 * <p>Blocks the calling thread for the D-Bus round trips (milliseconds with a healthy systemd), each at
 * most {@link #APPLY_TIMEOUT} in all: call it off the event loops.
 */
public final class SystemdLimitsApplier implements LimitsApplier {

    /**
     * How long servd waits for systemd's answers in one apply, all its calls together (LoadUnit, a Get per
     * property, SetUnitProperties, a roll-back): 25 s, sd-bus' {@code BUS_DEFAULT_TIMEOUT}, what
     * {@code systemctl set-property} waits for its one call; servctl waits 30 s for a write. A healthy systemd answers in milliseconds (the polkit check of a
     * non-interactive rule included); a busy one answers after what is ahead of the call, a
     * {@code daemon-reload} most often, which took longer than 4 s in the TCG VM while reloads ran back to
     * back, and systemd then carried out the call servd had stopped waiting for. The wait blocks only the
     * {@code servd-limits} thread (never an event loop, which the watchdog watches). A call that still times
     * out may be carried out by systemd later: the answer says so.
     */
    public static final Duration APPLY_TIMEOUT = Duration.ofSeconds(25);

    /** Where systemd says it runs ({@code sd_booted()}). */
    static final Path SYSTEMD_RUNTIME = Path.of("/run/systemd/system");
    /** The system bus socket ({@code DBUS_SYSTEM_BUS_DEFAULT_ADDRESS}). */
    static final Path SYSTEM_BUS_SOCKET = Path.of("/run/dbus/system_bus_socket");

    /** The systemd calls of one apply, over one bus connection; {@link DbusBus} in production, a fake in tests. */
    interface Bus extends AutoCloseable {
        /**
         * The current values of {@code properties} ({@link io.servd.cgroup.unit.DirectiveKind#valueProperty()}
         * names) as {@code t} properties, loading the unit if needed.
         */
        List<DbusProperty> read(UnitName unit, List<String> properties) throws LimitsException;

        /**
         * {@code SetUnitProperties(unit, runtime, properties)}, answered within what is left of {@link #APPLY_TIMEOUT}.
         *
         * @throws LimitsException systemd's error; a {@link LimitsException.Reason#DENIED} has systemd's
         *     {@link DBusExecutionException} as its cause, for {@link #failure}
         */
        void set(UnitName unit, boolean runtime, List<DbusProperty> properties) throws LimitsException;

        /**
         * systemd's major version ({@code Manager.Version}, e.g. 252 of {@code "252.22-1~deb12u1"}); empty when it
         * cannot be told, and then systemd's own answer to an unknown property decides.
         */
        default java.util.OptionalInt systemdVersion() throws LimitsException {
            return java.util.OptionalInt.empty();
        }

        /** Whether polkit is on this bus to be asked ({@link PolkitDenial#polkitOnBus}); empty when the bus does not say. */
        Optional<Boolean> polkitOnBus();

        @Override
        void close() throws LimitsException;
    }

    /** Opens a {@link Bus}: a fresh system-bus connection per apply. */
    @FunctionalInterface
    interface Buses {
        Bus open() throws LimitsException;
    }

    private final Buses buses;
    private final DropInCheck dropIns;

    /** On the system bus, reading drop-ins from {@code /}. */
    public SystemdLimitsApplier() {
        this(DbusBus::open, new DropInCheck(Path.of("/")));
    }

    SystemdLimitsApplier(Buses buses, DropInCheck dropIns) {
        this.buses = java.util.Objects.requireNonNull(buses, "buses");
        this.dropIns = java.util.Objects.requireNonNull(dropIns, "dropIns");
    }

    @Override
    public String name() {
        return "dbus";
    }

    /** Whether systemd runs here and the system bus socket exists. */
    public static boolean isAvailable() {
        return unavailabilityCause().isEmpty();
    }

    /** Why this applier cannot work here, or empty. */
    public static Optional<String> unavailabilityCause() {
        if (!Files.isDirectory(SYSTEMD_RUNTIME)) {
            return Optional.of("systemd is not running: no [" + SYSTEMD_RUNTIME + "]");
        }
        if (!Files.exists(SYSTEM_BUS_SOCKET)) {
            return Optional.of("no system bus socket [" + SYSTEM_BUS_SOCKET + "]");
        }
        return Optional.empty();
    }

    /**
     * Transient units (systemd-run, {@code SetUnitProperties} on a unit made by {@code StartTransientUnit})
     * have their unit file in {@code /run/systemd/transient}, and systemd puts their drop-ins there
     * too, whatever {@code --runtime} says.
     */
    @Override
    public DropInScope scope(UnitName unit, boolean runtime) {
        return DropInScope.forUnit(unit.name(), runtime, DropInScope.TRANSIENT.directory());
    }

    @Override
    public void apply(LimitsPlan planned, Optional<UnitCgroup> cgroup) throws LimitsException {
        dropIns.ensureRoom(planned.dropIns());
        try (Bus bus = buses.open()) {
            ensureKnown(planned, bus);
            List<DbusProperty> before = bus.read(planned.unit(), valueProperties(planned));
            // systemd writes the device lists' drop-ins with the devices the unit had already
            LimitsPlan plan = planned.onto(currentLists(before));
            try {
                bus.set(plan.unit(), plan.runtime(), plan.properties());
            } catch (LimitsException e) {
                // systemd refusing servd's own call: say what the host lacks, asked on the same connection
                if (e.reason() == LimitsException.Reason.DENIED && e.getCause() instanceof DBusExecutionException d) {
                    throw failure(errorName(d, plan.unit().name()), d, plan, bus.polkitOnBus());
                }
                throw e;
            }
            Optional<String> notWritten = dropIns.notWritten(plan.dropIns());
            if (notWritten.isPresent()) {
                rollBack(bus, plan, before, notWritten.get());
            }
        }
    }

    /**
     * Refuses a directive this systemd does not know ({@link io.servd.cgroup.unit.DirectiveKind#minimumSystemd()}),
     * before anything is sent, naming the directive and both versions.
     *
     * @throws LimitsException {@link LimitsException.Reason#NOT_SUPPORTED}
     */
    static void ensureKnown(LimitsPlan plan, Bus bus) throws LimitsException {
        int needed = plan.directives().stream().mapToInt(d -> d.kind().minimumSystemd()).max().orElse(0);
        if (needed == 0) {
            return;
        }
        java.util.OptionalInt version = bus.systemdVersion();
        if (version.isPresent() && version.getAsInt() < needed) {
            List<String> names = plan.directives().stream().filter(d -> d.kind().minimumSystemd() > version.getAsInt())
                    .map(d -> d.name() + "=").distinct().toList();
            throw new LimitsException(LimitsException.Reason.NOT_SUPPORTED, String.join(", ", names) + " needs systemd "
                    + needed + " or later; this host runs systemd " + version.getAsInt() + "; nothing changed", null);
        }
    }

    /** The device lists among {@code before}, as directives ({@code a(st)} properties), in order. */
    static List<ResourceDirective> currentLists(List<DbusProperty> before) {
        List<ResourceDirective> lists = new java.util.ArrayList<>();
        for (DbusProperty p : before) {
            if (p.signature() == DbusProperty.Signature.DEVICES) {
                DirectiveKind.of(p.name()).filter(DirectiveKind::accumulates)
                        .ifPresent(k -> lists.add(IoDeviceDirective.fromDbus(k, p.devices())));
            }
        }
        return lists;
    }

    /**
     * What sets {@code before} back: each property as read, except that a device list is reset first (the
     * change may have added devices) and then given its devices in their order, which systemd's appending
     * rebuilds.
     */
    static List<DbusProperty> restoring(List<DbusProperty> before) {
        List<DbusProperty> restore = new java.util.ArrayList<>();
        for (DbusProperty p : before) {
            if (p.signature() == DbusProperty.Signature.DEVICES) {
                restore.add(DbusProperty.devices(p.name(), List.of()));
                if (!p.devices().isEmpty()) {
                    restore.add(p);
                }
            } else {
                restore.add(p);
            }
        }
        return restore;
    }

    /**
     * systemd took the values but wrote no drop-in for them (it says nothing when it cannot: {@link DropInCheck}):
     * sets the values read before back, so live and on-disk state agree again, and fails the apply.
     */
    private static void rollBack(Bus bus, LimitsPlan plan, List<DbusProperty> before, String notWritten) throws LimitsException {
        String what = "systemd took " + plan.properties() + " for [" + plan.unit() + "] but did not write its drop-ins ("
                + notWritten + ")";
        try {
            bus.set(plan.unit(), plan.runtime(), restoring(before));
        } catch (LimitsException e) {
            throw new LimitsException(LimitsException.Reason.FAILED, what + ", and setting back " + before + " failed: "
                    + e.getMessage() + "; the unit keeps the new values until the next daemon-reload", e);
        }
        throw new LimitsException(LimitsException.Reason.NOT_PERSISTED, what + "; set back " + before + ", nothing changed", null);
    }

    /** The leading number of systemd's version string: 252 of {@code "252.22-1~deb12u1"}, 257 of {@code "257"}. */
    static java.util.OptionalInt majorVersion(String version) {
        int end = 0;
        while (end < version.length() && end < 6 && Character.isDigit(version.charAt(end)) && version.charAt(end) < 128) {
            end++;
        }
        return end == 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(Integer.parseInt(version.substring(0, end)));
    }

    /** The readable property of each planned directive, once each, in plan order. */
    static List<String> valueProperties(LimitsPlan plan) {
        return plan.directives().stream().map(d -> d.kind().valueProperty()).distinct().toList();
    }

    /**
     * {@code p} as dbus-java's variant: {@code u} as {@code UInt32}, {@code t} as {@code UInt64} of the unsigned
     * value, {@code ay} as a {@code byte[]}, {@code a(st)} as a list of {@link DeviceValue} with the signature
     * given (dbus-java cannot infer it from an empty list).
     */
    static Variant<?> variant(DbusProperty p) {
        return switch (p.signature()) {
            case UINT32 -> new Variant<>(new UInt32(p.value()));
            case UINT64 -> new Variant<>(new UInt64(p.unsignedValue()));
            case BYTES -> {
                byte[] bytes = new byte[p.bytes().size()];
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) (int) p.bytes().get(i);
                }
                yield new Variant<>(bytes, "ay");
            }
            case DEVICES -> new Variant<>(p.devices().stream()
                    .map(d -> new DeviceValue(d.path(), new UInt64(d.unsignedValue()))).toList(), "a(st)");
        };
    }

    /**
     * A property read from systemd ({@code Properties.Get}) as a {@link DbusProperty}: a {@code UInt64}, an
     * {@code ay} ({@code byte[]} or a list of bytes) or an {@code a(st)} (a list of structs, which dbus-java hands
     * over as {@code Object[]} or as a {@link Struct}).
     *
     * @return empty for anything else
     */
    static Optional<DbusProperty> fromWire(String name, Object value) {
        if (value instanceof Variant<?> v) {
            value = v.getValue();
        }
        if (value instanceof UInt64 u) {
            return Optional.of(new DbusProperty(name, DbusProperty.Signature.UINT64, u.longValue()));
        }
        if (value instanceof byte[] bytes) {
            List<Integer> list = new java.util.ArrayList<>(bytes.length);
            for (byte b : bytes) {
                list.add(b & 0xff);
            }
            return Optional.of(DbusProperty.bytes(name, list));
        }
        if (value instanceof List<?> list) {
            if (!list.isEmpty() && list.stream().allMatch(Byte.class::isInstance)) {
                return Optional.of(DbusProperty.bytes(name, list.stream().map(b -> ((Byte) b) & 0xff).toList()));
            }
            List<DbusProperty.Device> devices = new java.util.ArrayList<>();
            for (Object entry : list) {
                Object[] fields = entry instanceof Object[] a ? a : entry instanceof Struct st ? st.getParameters() : null;
                if (fields == null || fields.length != 2 || !(fields[0] instanceof String path) || !(fields[1] instanceof UInt64 u)) {
                    return Optional.empty();
                }
                devices.add(new DbusProperty.Device(path, u.longValue()));
            }
            return Optional.of(DbusProperty.devices(name, devices));
        }
        return Optional.empty();
    }

    /**
     * The D-Bus error name. dbus-java 5.2 maps standard errors to classes ({@code errors.AccessDenied})
     * and other names only to a class of that exact name, if one exists; otherwise the name is lost
     * ({@code getType()} says only the class name, seen in the test VM). systemd's "no such unit" is then recognised by
     * its fixed message, {@code "Unit %s not found."} (src/core/manager.c, systemd 252), and polkit's demand for
     * a password by {@code "Interactive authentication required."}.
     */
    @SuppressWarnings("removal")
    static String errorName(DBusExecutionException e, String unit) {
        if (e instanceof org.freedesktop.dbus.errors.AccessDenied) {
            return "org.freedesktop.DBus.Error.AccessDenied";
        }
        // getType() is the D-Bus error name when dbus-java kept it, else just the exception's class name
        if (e.getType() != null && !e.getType().equals(e.getClass().getName())) {
            return e.getType();
        }
        if (("Unit " + unit + " not found.").equals(e.getMessage())) {
            return "org.freedesktop.systemd1.NoSuchUnit";
        }
        // polkit would ask for a password: systemd's fixed message (src/shared/bus-polkit.c, systemd 252)
        if ("Interactive authentication required.".equals(e.getMessage())) {
            return "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired";
        }
        return e.getClass().getName();
    }

    /** The failure to report for systemd's error {@code type}; a denial as {@link PolkitDenial#explain} says. */
    static LimitsException failure(String type, DBusExecutionException e, LimitsPlan plan, Optional<Boolean> polkit) {
        LimitsException.Reason reason = reason(type);
        if (reason == LimitsException.Reason.DENIED) {
            return PolkitDenial.explain(type, e, plan, polkit);
        }
        return new LimitsException(reason, "SetUnitProperties [" + plan.unit() + "] " + plan.properties() + " failed: ["
                + type + "] " + e.getMessage(), e);
    }

    /** systemd's and dbus' error names, as the HTTP API reports them. */
    static LimitsException.Reason reason(String dbusError) {
        if (dbusError == null) {
            return LimitsException.Reason.FAILED;
        }
        return switch (dbusError) {
            case "org.freedesktop.DBus.Error.AccessDenied", "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired" ->
                    LimitsException.Reason.DENIED;
            case "org.freedesktop.systemd1.NoSuchUnit", "org.freedesktop.systemd1.LoadFailed" ->
                    LimitsException.Reason.NO_SUCH_UNIT;
            default -> LimitsException.Reason.FAILED;
        };
    }

    /** The part of systemd's manager interface servd calls. */
    @DBusInterfaceName("org.freedesktop.systemd1.Manager")
    public interface Manager extends DBusInterface {
        /**
         * {@code Boolean}, not {@code boolean}: {@code callMethodAsync} finds this method by the classes of
         * its arguments (a List as List, anything else as its own class), so a primitive parameter is never
         * found and the call fails before it is sent ("DBusExecutionException …SetUnitProperties(…Boolean…)",
         * seen in the VM). The D-Bus signature is {@code b} either way.
         */
        @SuppressWarnings("checkstyle:MethodName") // D-Bus member names are PascalCase
        void SetUnitProperties(String name, Boolean runtime, List<Property> properties);

        /** The unit's object path, loading the unit if it is not (as {@code systemctl show} does). */
        @SuppressWarnings("checkstyle:MethodName")
        DBusPath LoadUnit(String name);
    }

    /** One {@code (st)} entry of an I/O device list. */
    public static final class DeviceValue extends Struct {
        @Position(0)
        private final String path;
        @Position(1)
        private final UInt64 value;

        public DeviceValue(String path, UInt64 value) {
            this.path = path;
            this.value = value;
        }

        public String getPath() {
            return path;
        }

        public UInt64 getValue() {
            return value;
        }
    }

    /** One {@code (sv)} argument. dbus-java reads the struct's signature from the positioned fields. */
    public static final class Property extends Struct {
        @Position(0)
        private final String name;
        @Position(1)
        private final Variant<?> value;

        public Property(String name, Variant<?> value) {
            this.name = name;
            this.value = value;
        }

        public String getName() {
            return name;
        }

        public Variant<?> getValue() {
            return value;
        }
    }
}
