package io.servd.agent.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.cgroup.unit.ResourceDirectives;
import org.freedesktop.dbus.errors.AccessDenied;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import io.servd.cgroup.unit.DropInScope;
import io.servd.cgroup.unit.UnitName;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** D-Bus failures as the VM showed them (dbus-java 5.2.2 against systemd 252), mapped to API reasons. */
class SystemdLimitsApplierTest {

    /**
     * dbus-java's {@code callMethodAsync(object, "SetUnitProperties", name, runtime, properties)} looks the
     * method up by the arguments' classes (AbstractConnection.createTypesArray: a List is List, anything
     * else its own class): the apply's own argument values must find it.
     */
    @Test
    void theAsyncCallFindsSetUnitPropertiesByItsArguments() throws NoSuchMethodException {
        Object[] args = {"demo.service", Boolean.FALSE, new java.util.ArrayList<SystemdLimitsApplier.Property>()};
        Class<?>[] types = java.util.Arrays.stream(args)
                .map(a -> a instanceof java.util.List ? java.util.List.class : a.getClass())
                .toArray(Class<?>[]::new);
        assertThat(SystemdLimitsApplier.Manager.class.getMethod("SetUnitProperties", types)).isNotNull();
    }

    @Test
    void unprivilegedCallerIsDenied() {
        String name = SystemdLimitsApplier.errorName(new AccessDenied("Permission denied"), "demo.service");
        assertThat(SystemdLimitsApplier.reason(name)).isEqualTo(LimitsException.Reason.DENIED);
    }

    @Test
    void unknownUnitIsRecognisedByItsMessage() {
        var e = new DBusExecutionException("Unit nosuch.service not found.");
        String name = SystemdLimitsApplier.errorName(e, "nosuch.service");
        assertThat(name).isEqualTo("org.freedesktop.systemd1.NoSuchUnit");
        assertThat(SystemdLimitsApplier.reason(name)).isEqualTo(LimitsException.Reason.NO_SUCH_UNIT);
    }

    @Test
    void anythingElseIsAFailure() {
        var e = new DBusExecutionException("Cannot set property MemoryMax, or unknown property.");
        assertThat(SystemdLimitsApplier.reason(SystemdLimitsApplier.errorName(e, "x.service")))
                .isEqualTo(LimitsException.Reason.FAILED);
        assertThat(SystemdLimitsApplier.reason(null)).isEqualTo(LimitsException.Reason.FAILED);
    }

    /** The cgroup library's wire values become dbus-java's unsigned types, UINT64_MAX included. */
    @Test
    void propertiesBecomeUnsignedVariants() {
        var scale = SystemdLimitsApplier.variant(ResourceDirectives.parse("MemoryMax", "50%").dbusProperty());
        assertThat(scale.getSig()).isEqualTo("u");
        assertThat(scale.getValue()).isEqualTo(new UInt32(2147483648L));
        var infinity = SystemdLimitsApplier.variant(ResourceDirectives.parse("TasksMax", "infinity").dbusProperty());
        assertThat(infinity.getSig()).isEqualTo("t");
        assertThat(infinity.getValue()).isEqualTo(new UInt64("18446744073709551615"));
    }

    static final LimitsPlan PLAN = LimitsPlan.of(UnitName.of("demo.service"),
            List.of(ResourceDirectives.parse("MemoryMax", "48M")), DropInScope.PERSISTENT, Optional.empty());

    static final String AS_ROOT = "; or run as root: systemctl set-property demo.service MemoryMax=50331648";

    /**
     * Issue 16: on a host without polkitd systemd answers AccessDenied to servd, whoever asked it. That is
     * the host's setup (503, the fix named), not a caller refused (403).
     */
    @Test
    void accessDeniedWithoutPolkitSaysPolkitdIsMissing() {
        LimitsException e = SystemdLimitsApplier.failure("org.freedesktop.DBus.Error.AccessDenied",
                new AccessDenied("Permission denied"), PLAN, Optional.of(false));
        assertThat(e.reason()).isEqualTo(LimitsException.Reason.AGENT_NOT_AUTHORIZED);
        assertThat(e.getMessage()).isEqualTo("systemd refused servd's SetUnitProperties [demo.service] [MemoryMax t 50331648]:"
                + " polkitd is not installed, and without it systemd lets no unprivileged service change units"
                + " ([org.freedesktop.DBus.Error.AccessDenied] Permission denied). Fix: install polkitd (apt-get install"
                + " polkitd), which reads servd's rule [/usr/share/polkit-1/rules.d/50-servd.rules]" + AS_ROOT);
    }

    /** polkit is there but would ask for a password: no rule grants servd's user set-property. */
    @Test
    void interactiveAuthorizationRequiredSaysTheRuleIsMissing() {
        var e = new DBusExecutionException("Interactive authentication required.");
        String name = SystemdLimitsApplier.errorName(e, "demo.service");
        assertThat(name).isEqualTo("org.freedesktop.DBus.Error.InteractiveAuthorizationRequired");
        LimitsException failure = SystemdLimitsApplier.failure(name, e, PLAN, Optional.of(true));
        assertThat(failure.reason()).isEqualTo(LimitsException.Reason.AGENT_NOT_AUTHORIZED);
        assertThat(failure.getMessage()).contains("no polkit rule lets servd's user set unit properties",
                "Fix: install servd's rule [/usr/share/polkit-1/rules.d/50-servd.rules]").endsWith(AS_ROOT);
    }

    /**
     * polkit answered no: servd's rule is missing or leaves the unit out (servd.service, the system's own
     * units). Still servd's authorisation, not the caller's: whoever asked would get the same.
     */
    @Test
    void accessDeniedWithPolkitNamesTheRule() {
        LimitsException e = SystemdLimitsApplier.failure("org.freedesktop.DBus.Error.AccessDenied",
                new AccessDenied("Permission denied"), PLAN, Optional.of(true));
        assertThat(e.reason()).isEqualTo(LimitsException.Reason.AGENT_NOT_AUTHORIZED);
        assertThat(e.getMessage()).contains("polkit said no", "[/usr/share/polkit-1/rules.d/50-servd.rules] is missing,"
                + " or leaves this unit out", "never lets servd change servd.service itself").endsWith(AS_ROOT);
    }

    /** The bus would not say: both fixes are named. */
    @Test
    void accessDeniedWithPolkitUnknownNamesBothFixes() {
        LimitsException e = SystemdLimitsApplier.failure("org.freedesktop.DBus.Error.AccessDenied",
                new AccessDenied("Permission denied"), PLAN, Optional.empty());
        assertThat(e.reason()).isEqualTo(LimitsException.Reason.AGENT_NOT_AUTHORIZED);
        assertThat(e.getMessage()).contains("polkitd is missing, or a polkit rule refused it",
                "install polkitd and servd's rule [/usr/share/polkit-1/rules.d/50-servd.rules]").endsWith(AS_ROOT);
    }

    @Test
    void otherFailuresAreUnchanged() {
        var e = new DBusExecutionException("Unit nosuch.service not found.");
        LimitsException failure = SystemdLimitsApplier.failure("org.freedesktop.systemd1.NoSuchUnit", e, PLAN,
                Optional.empty());
        assertThat(failure.reason()).isEqualTo(LimitsException.Reason.NO_SUCH_UNIT);
        assertThat(failure.getMessage()).isEqualTo("SetUnitProperties [demo.service] [MemoryMax t 50331648] failed:"
                + " [org.freedesktop.systemd1.NoSuchUnit] Unit nosuch.service not found.");
    }

    /** polkitd is bus-activated: present when its name has an owner or the bus can start it. */
    @ParameterizedTest(name = "owner {0}, activatable {1}")
    @CsvSource({"true, false, true", "false, true, true", "false, false, false"})
    void polkitIsOnTheBusWhenOwnedOrActivatable(boolean owned, boolean activatable, boolean present) {
        assertThat(PolkitDenial.polkitOnBus(() -> bus(owned, activatable))).contains(present);
    }

    @Test
    void aBusThatWillNotSayLeavesItUnknown() {
        assertThat(PolkitDenial.polkitOnBus(() -> {
            throw new DBusException("disconnected");
        })).isEmpty();
        assertThat(PolkitDenial.polkitOnBus(() -> failingBus())).isEmpty();
    }

    @Test
    void theRootCommandIsTheSameChange() {
        var plan = LimitsPlan.of(UnitName.of("demo.service"), List.of(ResourceDirectives.parse("CPUWeight", ""),
                ResourceDirectives.parse("TasksMax", "infinity")), DropInScope.RUNTIME, Optional.empty());
        assertThat(PolkitDenial.setPropertyCommand(plan))
                .isEqualTo("systemctl set-property --runtime demo.service CPUWeight= TasksMax=infinity");
    }

    /** The bus daemon's two answers servd asks for; any other call is a test bug. */
    private static DBus bus(boolean owned, boolean activatable) {
        return (DBus) Proxy.newProxyInstance(DBus.class.getClassLoader(), new Class<?>[] {DBus.class}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "NameHasOwner" -> owned && PolkitDenial.POLKIT_BUS_NAME.equals(args[0]);
                    case "ListActivatableNames" -> activatable
                            ? new String[] {"org.freedesktop.systemd1", PolkitDenial.POLKIT_BUS_NAME}
                            : new String[] {"org.freedesktop.systemd1"};
                    default -> throw new AssertionError("unexpected call [" + method.getName() + "]");
                });
    }

    private static DBus failingBus() {
        return (DBus) Proxy.newProxyInstance(DBus.class.getClassLoader(), new Class<?>[] {DBus.class}, (proxy, method, args) -> {
            throw new DBusExecutionException("The name is not activatable");
        });
    }
}
