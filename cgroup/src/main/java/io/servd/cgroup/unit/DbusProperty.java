package io.servd.cgroup.unit;

import java.util.Objects;
import java.util.Optional;

/**
 * One {@code (sv)} entry of systemd's {@code SetUnitProperties}: a property name, its D-Bus type and an
 * unsigned value. Pure data: the agent turns it into its D-Bus library's variant.
 *
 * @param name      e.g. {@code MemoryMax}, {@code CPUQuotaPerSecUSec}, {@code MemoryMaxScale}
 * @param signature {@code t} (uint64) or {@code u} (uint32)
 * @param value     the unsigned wire value in a long's bits: {@link #UINT64_MAX} is {@code -1L}
 */
public record DbusProperty(String name, Signature signature, long value) {

    /**
     * The wire value {@code UINT64_MAX}, which systemd reads as {@code CGROUP_LIMIT_MAX},
     * {@code USEC_INFINITY} or {@code CGROUP_WEIGHT_INVALID} depending on the property. Not a Java-side
     * "unlimited": the directives say that with their own types ({@code Infinity}, an empty quota).
     */
    public static final long UINT64_MAX = -1L;

    /** The two D-Bus basic types resource properties use. */
    public enum Signature {
        /** {@code t}: uint64. */
        UINT64("t"),
        /** {@code u}: uint32. */
        UINT32("u");

        private final String code;

        Signature(String code) {
            this.code = code;
        }

        /** The D-Bus type code, {@code "t"} or {@code "u"}. */
        public String code() {
            return code;
        }
    }

    public DbusProperty {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(signature, "signature");
        if (signature == Signature.UINT32 && (value < 0 || value > 0xFFFF_FFFFL)) {
            throw new IllegalArgumentException("uint32 out of range [" + value + "] for [" + name + "]");
        }
    }

    /** A {@code t} property; {@code value} is unsigned, {@link #UINT64_MAX} for systemd's "no limit". */
    static DbusProperty uint64(String name, long value) {
        return new DbusProperty(name, Signature.UINT64, value);
    }

    /**
     * A {@code u} property.
     *
     * @throws IllegalArgumentException when {@code value} is outside 0..2^32-1
     */
    static DbusProperty uint32(String name, long value) {
        return new DbusProperty(name, Signature.UINT32, value);
    }

    /** The value as an unsigned decimal, as {@code busctl} prints it, e.g. {@code "18446744073709551615"}. */
    public String unsignedValue() {
        return Long.toUnsignedString(value);
    }

    /**
     * What systemd reads this value as when it is not a quantity: for {@link #UINT64_MAX} of a {@code t}
     * property the word {@code systemctl show} prints for it, {@code "infinity"} ({@code CGROUP_LIMIT_MAX}
     * of {@code MemoryMax}/{@code TasksMax}…, {@code USEC_INFINITY} of {@code CPUQuotaPerSecUSec} and
     * {@code CPUQuotaPeriodUSec}), or {@code "unset"} for a weight ({@code CGROUP_WEIGHT_INVALID} of
     * {@code CPUWeight}, which systemctl shows as {@code [not set]}). Empty for every other value, which
     * is the quantity itself (bytes, tasks, µs, a weight, a share of {@code UINT32_MAX}).
     */
    public Optional<String> symbolic() {
        if (signature != Signature.UINT64 || value != UINT64_MAX) {
            return Optional.empty();
        }
        return Optional.of(name.endsWith("Weight") ? "unset" : "infinity");
    }

    /** The {@code busctl call … SetUnitProperties sba(sv)} argument form: {@code Name t 123}. */
    @Override
    public String toString() {
        return name + " " + signature.code() + " " + unsignedValue();
    }
}
