package io.servd.cgroup.unit;

import io.servd.cgroup.CgroupWrite;
import io.servd.cgroup.fs.CgroupFile;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * {@code IOWeight=} and {@code StartupIOWeight=}: 1–10000 (the kernel's default is 100), or empty for
 * unset. No {@code idle}: that is the CPU weight's alone.
 *
 * @param kind   {@link DirectiveKind#IO_WEIGHT} or {@link DirectiveKind#STARTUP_IO_WEIGHT}
 * @param weight 1..10000; empty when unset ({@code CGROUP_WEIGHT_INVALID})
 */
public record IoWeightDirective(DirectiveKind kind, OptionalInt weight) implements ResourceDirective {

    /** systemd's {@code CGROUP_WEIGHT_DEFAULT}, what {@code io.weight} says when nothing is set. */
    public static final int DEFAULT = 100;

    public IoWeightDirective {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(weight, "weight");
        if (kind != DirectiveKind.IO_WEIGHT && kind != DirectiveKind.STARTUP_IO_WEIGHT) {
            throw new IllegalArgumentException("not an I/O weight directive [" + kind + "]");
        }
        if (weight.isPresent() && (weight.getAsInt() < 1 || weight.getAsInt() > 10_000)) {
            throw new InvalidDirectiveException(kind.directive(), Integer.toString(weight.getAsInt()), "out of range 1..10000");
        }
    }

    /**
     * Parses as systemd's {@code cg_weight_parse()} (src/basic/cgroup-util.c), which {@code systemctl
     * set-property} calls through {@code bus_append_cg_weight_parse()}.
     *
     * @throws InvalidDirectiveException naming the directive and {@code text}
     */
    public static IoWeightDirective parse(DirectiveKind kind, String text) {
        return new IoWeightDirective(kind, parseWeight(kind.directive(), text, "a number"));
    }

    /**
     * systemd's {@code cg_weight_parse()}: empty is unset, else a decimal 1..10000 (digits only, as
     * {@code CPUWeight=} has always been read here).
     *
     * @param expected what the message says a valid value is, e.g. {@code "a number"}
     * @throws InvalidDirectiveException naming {@code directive} and {@code text}
     */
    static OptionalInt parseWeight(String directive, String text, String expected) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            return OptionalInt.empty();
        }
        if (!text.chars().allMatch(c -> c >= '0' && c <= '9') || text.length() > 6) {
            throw new InvalidDirectiveException(directive, text, "not " + expected);
        }
        int weight = Integer.parseInt(text);
        if (weight < 1 || weight > 10_000) {
            throw new InvalidDirectiveException(directive, text, "out of range 1..10000");
        }
        return OptionalInt.of(weight);
    }

    @Override
    public String format() {
        return weight.isPresent() ? Integer.toString(weight.getAsInt()) : "";
    }

    /** {@code IOWeight=N}, or {@code IOWeight=} when unset ({@code BUS_DEFINE_SET_CGROUP_WEIGHT} in src/core/dbus-cgroup.c). */
    @Override
    public String dropInLine() {
        return name() + "=" + format();
    }

    /** {@code IOWeight t N}, {@code UINT64_MAX} ({@code CGROUP_WEIGHT_INVALID}) when unset. */
    @Override
    public DbusProperty dbusProperty() {
        return DbusProperty.uint64(name(), weight.isPresent() ? weight.getAsInt() : DbusProperty.UINT64_MAX);
    }

    /**
     * As systemd's {@code set_io_weight()} (src/core/cgroup.c): {@code io.weight} = {@code default N}, 100
     * when unset. {@code StartupIOWeight=} writes nothing after boot ({@code cgroup_context_io_weight()} takes
     * it only while the manager starts up; afterwards {@code IOWeight=} or 100, what the file holds already).
     * systemd also writes {@code io.bfq.weight} (the weight mapped onto BFQ's 1..1000) and ignores its absence;
     * that file exists only where a disk uses BFQ, and servd does not plan it.
     */
    @Override
    public List<CgroupWrite> cgroupWrites(HostResources host, CgroupSettings settings) {
        if (kind == DirectiveKind.STARTUP_IO_WEIGHT) {
            return List.of();
        }
        return List.of(new CgroupWrite(CgroupFile.IO_WEIGHT, "default " + (weight.isPresent() ? weight.getAsInt() : DEFAULT)));
    }
}
