package io.servd.cgroup.unit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One {@code (sv)} entry of systemd's {@code SetUnitProperties}: a property name, its D-Bus type and its
 * value. Pure data: the agent turns it into its D-Bus library's variant. Four types occur:
 * {@code t} and {@code u} carry {@link #value()}; {@code ay} (a cpu set's bitmask) carries {@link #bytes()};
 * {@code a(st)} (device path and number, the I/O device lists) carries {@link #devices()}. The other
 * members are empty or 0.
 *
 * @param name      e.g. {@code MemoryMax}, {@code CPUQuotaPerSecUSec}, {@code MemoryMaxScale}, {@code AllowedCPUs}
 * @param signature the D-Bus type
 * @param value     for {@code t}/{@code u}: the unsigned wire value in a long's bits, {@link #UINT64_MAX} is {@code -1L}
 * @param bytes     for {@code ay}: each byte 0..255
 * @param devices   for {@code a(st)}: the entries, in wire order
 */
public record DbusProperty(String name, Signature signature, long value, List<Integer> bytes, List<Device> devices) {

    /**
     * The wire value {@code UINT64_MAX}, which systemd reads as {@code CGROUP_LIMIT_MAX},
     * {@code USEC_INFINITY} or {@code CGROUP_WEIGHT_INVALID} depending on the property. Not a Java-side
     * "unlimited": the directives say that with their own types ({@code Infinity}, an empty quota).
     */
    public static final long UINT64_MAX = -1L;

    /** The D-Bus types resource properties use. */
    public enum Signature {
        /** {@code t}: uint64. */
        UINT64("t"),
        /** {@code u}: uint32. */
        UINT32("u"),
        /** {@code ay}: a byte array, systemd's cpu set bitmask ({@code cpu_set_to_dbus()}). */
        BYTES("ay"),
        /** {@code a(st)}: (device path, uint64) pairs, the I/O device lists. */
        DEVICES("a(st)");

        private final String code;

        Signature(String code) {
            this.code = code;
        }

        /** The D-Bus type code, e.g. {@code "t"} or {@code "a(st)"}. */
        public String code() {
            return code;
        }
    }

    /**
     * One {@code (st)} entry.
     *
     * @param path  the device (or a file on it) as given, e.g. {@code /dev/vda}
     * @param value the unsigned wire value, {@link #UINT64_MAX} for {@code infinity}
     */
    public record Device(String path, long value) {
        public Device {
            Objects.requireNonNull(path, "path");
        }

        /** The value as {@code busctl} prints it. */
        public String unsignedValue() {
            return Long.toUnsignedString(value);
        }
    }

    public DbusProperty {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(signature, "signature");
        bytes = List.copyOf(bytes);
        devices = List.copyOf(devices);
        if (signature == Signature.UINT32 && (value < 0 || value > 0xFFFF_FFFFL)) {
            throw new IllegalArgumentException("uint32 out of range [" + value + "] for [" + name + "]");
        }
        if (signature != Signature.BYTES && !bytes.isEmpty() || signature != Signature.DEVICES && !devices.isEmpty()) {
            throw new IllegalArgumentException("[" + name + "] of type [" + signature.code() + "] holds bytes or devices");
        }
        for (int b : bytes) {
            if (b < 0 || b > 255) {
                throw new IllegalArgumentException("byte out of range [" + b + "] for [" + name + "]");
            }
        }
    }

    /** A {@code t} or {@code u} property. */
    public DbusProperty(String name, Signature signature, long value) {
        this(name, signature, value, List.of(), List.of());
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

    /** An {@code ay} property. */
    public static DbusProperty bytes(String name, List<Integer> bytes) {
        return new DbusProperty(name, Signature.BYTES, 0, bytes, List.of());
    }

    /** An {@code a(st)} property; empty is systemd's reset of the list. */
    public static DbusProperty devices(String name, List<Device> devices) {
        return new DbusProperty(name, Signature.DEVICES, 0, List.of(), devices);
    }

    /** Whether this is a {@code t} or {@code u}, whose value is {@link #value()}. */
    public boolean isNumber() {
        return signature == Signature.UINT64 || signature == Signature.UINT32;
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
     * {@code CPUWeight}, {@code IOWeight}…, which systemctl shows as {@code [not set]}). Empty for every
     * other value, which is the quantity itself (bytes, tasks, µs, a weight, a share of {@code UINT32_MAX}),
     * and for {@code ay}/{@code a(st)}.
     */
    public Optional<String> symbolic() {
        if (signature != Signature.UINT64 || value != UINT64_MAX) {
            return Optional.empty();
        }
        return Optional.of(symbolic(name, value).orElseThrow());
    }

    /** {@link #symbolic()} for one number of property {@code name} (a {@code t} or an {@code a(st)} entry). */
    static Optional<String> symbolic(String name, long value) {
        if (value != UINT64_MAX) {
            return Optional.empty();
        }
        return Optional.of(name.endsWith("Weight") ? "unset" : "infinity");
    }

    /** {@link #symbolic()} of one {@code a(st)} entry: {@code "infinity"} for {@link #UINT64_MAX} of a limit. */
    public Optional<String> symbolic(Device device) {
        return symbolic(name, device.value());
    }

    /**
     * The {@code busctl call … SetUnitProperties sba(sv)} argument form: {@code Name t 123},
     * {@code AllowedCPUs ay 8 3 0 0 0 0 0 0 0}, {@code IOReadBandwidthMax a(st) 1 /dev/vda 1000000}.
     */
    @Override
    public String toString() {
        return switch (signature) {
            case UINT64, UINT32 -> name + " " + signature.code() + " " + unsignedValue();
            case BYTES -> name + " ay " + bytes.size() + bytes.stream().map(b -> " " + b).collect(Collectors.joining());
            case DEVICES -> name + " a(st) " + devices.size()
                    + devices.stream().map(d -> " " + d.path() + " " + d.unsignedValue()).collect(Collectors.joining());
        };
    }
}
