package io.servd.cgroup.unit;

import io.servd.cgroup.CgroupWrite;
import io.servd.cgroup.Limit;
import io.servd.cgroup.fs.CgroupFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The I/O device lists: {@code IODeviceWeight=DEV N} (1–10000), {@code IOReadBandwidthMax=DEV BYTES},
 * {@code IOWriteBandwidthMax=}, {@code IOReadIOPSMax=DEV N}, {@code IOWriteIOPSMax=}. {@code DEV} is a
 * device node or any file on the device ({@link BlockDevices}); bandwidths and IOPS take the suffixes
 * K, M, G, T, P, E to the base of <em>1000</em> ({@code parse_size(…, 1000)} in {@code bus_append_cgroup_property()},
 * src/shared/bus-unit-util.c, unlike the memory directives' 1024) or {@code infinity}.
 *
 * <p>Assignments accumulate as systemd's lists do ({@link #after}): one per path, a later one for the
 * same path replaces its value in place, a new path goes last; an empty assignment resets the list.
 * systemd 252 in the VM is the oracle (SetPropertyOracleIT): {@code IOReadBandwidthMax=/dev/vda 1M}, then
 * {@code IOReadBandwidthMax=/var/lib 2M} (the same disk) gives a drop-in with {@code /dev/vda} first and
 * {@code io.max} holding the 2M of the newer line, written last.
 *
 * @param kind    which list
 * @param entries in systemd's list order (oldest path first); empty for the reset
 */
public record IoDeviceDirective(DirectiveKind kind, List<Entry> entries) implements ResourceDirective {

    private static final Logger log = LoggerFactory.getLogger(IoDeviceDirective.class);

    /**
     * One device's value.
     *
     * @param path  as given; systemd keeps the text and resolves it whenever it writes the cgroup
     * @param value a weight 1..10000, bytes per second or operations per second; Unlimited for
     *              {@code infinity} (limits only)
     */
    public record Entry(String path, Limit<Long> value) {
        public Entry {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(value, "value");
        }
    }

    /** The four limits of one {@code io.max} line, in the kernel's order. */
    private static final List<DirectiveKind> LIMITS = List.of(DirectiveKind.IO_READ_BANDWIDTH_MAX,
            DirectiveKind.IO_WRITE_BANDWIDTH_MAX, DirectiveKind.IO_READ_IOPS_MAX, DirectiveKind.IO_WRITE_IOPS_MAX);
    private static final List<String> IO_MAX_KEYS = List.of("rbps", "wbps", "riops", "wiops");

    public IoDeviceDirective {
        Objects.requireNonNull(kind, "kind");
        if (!kind.accumulates()) {
            throw new IllegalArgumentException("not an I/O device directive [" + kind + "]");
        }
        entries = List.copyOf(entries);
        for (Entry e : entries) {
            if (kind == DirectiveKind.IO_DEVICE_WEIGHT && (!(e.value() instanceof Limit.AtMost<Long> w)
                    || !isWeight(w.value()))) {
                throw new InvalidDirectiveException(kind.directive(), e.path() + " " + formatValue(e.value()),
                        "weight out of range 1..10000");
            }
        }
    }

    /**
     * Parses one assignment as {@code systemctl set-property} and PID 1 do: empty resets; else the path
     * up to the first space ({@code strchr(eq, ' ')}), which PID 1 requires normalized
     * ({@code path_is_normalized()}: no {@code //}, no {@code .} or {@code ..} component), and the value after it.
     *
     * @throws InvalidDirectiveException naming the directive and {@code text}
     */
    public static IoDeviceDirective parse(DirectiveKind kind, String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            return new IoDeviceDirective(kind, List.of());
        }
        int space = text.indexOf(' ');
        if (space < 0) {
            throw new InvalidDirectiveException(kind.directive(), text, "expected a device path, a space and a value");
        }
        String path = text.substring(0, space);
        String value = text.substring(space + 1);
        if (!isNormalized(path)) {
            throw new InvalidDirectiveException(kind.directive(), text, "device path is not normalized");
        }
        if (kind == DirectiveKind.IO_DEVICE_WEIGHT) {
            // safe_atou64(): leading white space is skipped; PID 1 checks the range
            String digits = value.stripLeading();
            if (digits.isEmpty() || digits.length() > 6 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new InvalidDirectiveException(kind.directive(), text, "weight is not a number");
            }
            long weight = Long.parseLong(digits);
            if (!isWeight(weight)) { // here too: the constructor's message can only name it reformatted ("00" as "0")
                throw new InvalidDirectiveException(kind.directive(), text, "weight out of range 1..10000");
            }
            return new IoDeviceDirective(kind, List.of(new Entry(path, Limit.atMost(weight))));
        }
        if (value.equals("infinity")) {
            return new IoDeviceDirective(kind, List.of(new Entry(path, Limit.unlimited())));
        }
        long amount = MemoryDirective.parseSize(kind.directive(), text, value, 1000);
        if (amount == DbusProperty.UINT64_MAX) {
            throw new InvalidDirectiveException(kind.directive(), text, "out of range");
        }
        return new IoDeviceDirective(kind, List.of(new Entry(path, Limit.atMost(amount))));
    }

    /** systemd's {@code path_is_normalized()}: a valid path without {@code //} and without {@code .}/{@code ..} components. */
    private static boolean isNormalized(String path) {
        if (path.isEmpty() || path.length() >= 4096 || path.contains("//") || path.indexOf('\0') >= 0) {
            return false;
        }
        for (String component : path.split("/")) {
            if (component.equals(".") || component.equals("..") || component.length() > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * This assignment made after {@code earlier} (the unit's list so far, or an earlier assignment of the
     * same request): the reset stays a reset; otherwise each of this one's devices replaces the value of the
     * same path in place or goes last.
     */
    @Override
    public IoDeviceDirective after(ResourceDirective earlier) {
        Objects.requireNonNull(earlier, "earlier");
        if (!(earlier instanceof IoDeviceDirective list) || list.kind != kind) {
            throw new IllegalArgumentException("[" + name() + "] after [" + earlier.name() + "]");
        }
        if (entries.isEmpty()) {
            return this;
        }
        List<Entry> merged = new ArrayList<>(list.entries);
        for (Entry e : entries) {
            int at = indexOf(merged, e.path());
            if (at >= 0) {
                merged.set(at, e);
            } else {
                merged.add(e);
            }
        }
        return new IoDeviceDirective(kind, merged);
    }

    private static int indexOf(List<Entry> entries, String path) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).path().equals(path)) {
                return i;
            }
        }
        return -1;
    }

    /** The list systemd reports in its {@code a(st)} property (what a rollback or an accumulation starts from). */
    public static IoDeviceDirective fromDbus(DirectiveKind kind, List<DbusProperty.Device> devices) {
        return new IoDeviceDirective(kind, devices.stream().map(d -> new Entry(d.path(),
                d.value() == DbusProperty.UINT64_MAX && kind != DirectiveKind.IO_DEVICE_WEIGHT
                        ? Limit.<Long>unlimited() : Limit.atMost(d.value()))).toList());
    }

    /** PID 1's range for a device weight. */
    private static boolean isWeight(long weight) {
        return weight >= 1 && weight <= 10_000;
    }

    private static String formatValue(Limit<Long> value) {
        return value instanceof Limit.AtMost<Long> a ? Long.toUnsignedString(a.value()) : "infinity";
    }

    /**
     * The assignments as text, in list order, separated by newlines: what {@link ResourceDirectives#parse}
     * reads back one line at a time ({@link #after} each earlier one); {@code ""} for the reset.
     */
    @Override
    public String format() {
        return String.join("\n", entries.stream().map(e -> e.path() + " " + formatValue(e.value())).toList());
    }

    /**
     * As PID 1 writes it: {@code Name=} (the reset, always first), then one {@code Name=DEV VALUE} per device
     * in list order; for the limits only the devices whose value is not the default ({@code infinity} is not
     * written), for weights every device. Every line of PID 1's text ends in a newline and the drop-in writer
     * adds one more, so the file ends in an empty line (systemd 252, byte for byte in SetPropertyOracleIT).
     */
    @Override
    public String dropInLine() {
        StringBuilder out = new StringBuilder(name()).append('=');
        for (Entry e : entries) {
            if (e.value() instanceof Limit.AtMost<Long> a) {
                out.append('\n').append(name()).append('=').append(e.path()).append(' ').append(Long.toUnsignedString(a.value()));
            }
        }
        return out.append('\n').toString();
    }

    /** {@code Name a(st) …}: one entry per device, {@code UINT64_MAX} for {@code infinity}; none for the reset. */
    @Override
    public DbusProperty dbusProperty() {
        return DbusProperty.devices(name(), entries.stream().map(e -> new DbusProperty.Device(e.path(),
                e.value() instanceof Limit.AtMost<Long> a ? a.value() : DbusProperty.UINT64_MAX)).toList());
    }

    /**
     * As {@code cgroup_apply_io_device_weight()} and {@code cgroup_apply_io_device_limit()} (src/core/cgroup.c),
     * in list order, for each device that {@link HostResources#blockDevices()} resolves (systemd skips the
     * others with a warning): {@code io.weight} = {@code MAJ:MIN N}; {@code io.max} =
     * {@code MAJ:MIN rbps=… wbps=… riops=… wiops=…}, one line per device with all four limits of {@code settings}
     * ({@code max} where unset), written once, by the first of the four limit directives set.
     */
    @Override
    public List<CgroupWrite> cgroupWrites(HostResources host, CgroupSettings settings) {
        if (kind == DirectiveKind.IO_DEVICE_WEIGHT) {
            List<CgroupWrite> writes = new ArrayList<>();
            for (Entry e : entries) {
                resolve(host, e.path()).ifPresent(d -> writes.add(new CgroupWrite(CgroupFile.IO_WEIGHT, d + " " + formatValue(e.value()))));
            }
            return writes;
        }
        DirectiveKind first = LIMITS.stream().filter(k -> settings.get(k).isPresent()).findFirst().orElse(kind);
        if (first != kind) {
            return List.of();
        }
        // every device of the four lists, in the order systemd's one shared list has them (first seen first here)
        Map<String, Map<DirectiveKind, Limit<Long>>> byPath = new LinkedHashMap<>();
        for (DirectiveKind k : LIMITS) {
            settings.get(k).map(IoDeviceDirective.class::cast).ifPresent(d -> d.entries.forEach(
                    e -> byPath.computeIfAbsent(e.path(), p -> new EnumMap<>(DirectiveKind.class)).put(k, e.value())));
        }
        List<CgroupWrite> writes = new ArrayList<>();
        for (Map.Entry<String, Map<DirectiveKind, Limit<Long>>> device : byPath.entrySet()) {
            Optional<DeviceNumber> number = resolve(host, device.getKey());
            if (number.isEmpty()) {
                continue;
            }
            StringBuilder line = new StringBuilder(number.get().toString());
            for (int i = 0; i < LIMITS.size(); i++) {
                Limit<Long> limit = device.getValue().getOrDefault(LIMITS.get(i), Limit.unlimited());
                line.append(' ').append(IO_MAX_KEYS.get(i)).append('=')
                        .append(limit instanceof Limit.AtMost<Long> a ? Long.toUnsignedString(a.value()) : "max");
            }
            writes.add(new CgroupWrite(CgroupFile.IO_MAX, line.toString()));
        }
        return writes;
    }

    private Optional<DeviceNumber> resolve(HostResources host, String path) {
        Optional<DeviceNumber> number = host.blockDevices().resolve(path);
        if (number.isEmpty()) {
            log.warn("no block device for [{}] of {}=, as systemd: nothing written for it", path, name());
        }
        return number;
    }
}
