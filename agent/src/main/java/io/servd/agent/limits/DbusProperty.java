package io.servd.agent.limits;

import java.util.Objects;

/**
 * One {@code (sv)} entry of {@code SetUnitProperties}: a property name, its D-Bus type and an
 * unsigned value.
 *
 * @param name      e.g. {@code MemoryMax}, {@code CPUQuotaPerSecUSec}, {@code MemoryMaxScale}
 * @param signature {@code "t"} (uint64) or {@code "u"} (uint32)
 * @param value     the unsigned value in a long's bits: {@code -1L} is {@code UINT64_MAX} for {@code "t"}
 */
public record DbusProperty(String name, String signature, long value) {
    /** systemd's {@code CGROUP_LIMIT_MAX} and {@code USEC_INFINITY}: {@code UINT64_MAX}. */
    public static final long UINT64_MAX = -1L;

    public DbusProperty {
        Objects.requireNonNull(name, "name");
        if (!signature.equals("t") && !signature.equals("u")) {
            throw new IllegalArgumentException("unsupported D-Bus signature [" + signature + "] for [" + name + "]");
        }
        if (signature.equals("u") && (value < 0 || value > 0xFFFF_FFFFL)) {
            throw new IllegalArgumentException("uint32 out of range [" + value + "] for [" + name + "]");
        }
    }

    /** The value as an unsigned decimal, as {@code busctl} prints it. */
    public String unsignedValue() {
        return Long.toUnsignedString(value);
    }

    /** The {@code busctl call … SetUnitProperties sba(sv)} argument form: {@code Name t 123}. */
    @Override
    public String toString() {
        return name + " " + signature + " " + unsignedValue();
    }
}
