package io.servd.agent.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.cgroup.unit.ResourceDirectives;
import org.freedesktop.dbus.errors.AccessDenied;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.junit.jupiter.api.Test;

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
}
