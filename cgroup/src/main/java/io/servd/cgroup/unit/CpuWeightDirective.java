package io.servd.cgroup.unit;

import io.servd.cgroup.CgroupWrite;
import io.servd.cgroup.CpuWeight;
import io.servd.cgroup.fs.CgroupFile;

import java.util.List;
import java.util.Objects;

/**
 * {@code CPUWeight=} and {@code StartupCPUWeight=}: 1–10000 (default 100), {@code idle} for SCHED_IDLE, or
 * empty for the default. systemd 252 parses, sends and writes both alike ({@code bus_append_cg_cpu_weight_parse()}
 * in src/shared/bus-unit-util.c, {@code bus_cgroup_set_cpu_weight()} in src/core/dbus-cgroup.c); they differ in
 * when they apply ({@link #cgroupWrites()}).
 *
 * @param kind    {@link DirectiveKind#CPU_WEIGHT} or {@link DirectiveKind#STARTUP_CPU_WEIGHT}
 * @param setting the parsed value
 */
public record CpuWeightDirective(DirectiveKind kind, Setting setting) implements ResourceDirective {

    /** A weight, idle, or unset. */
    public sealed interface Setting permits Weight, Idle, Unset {
    }

    public record Weight(CpuWeight weight) implements Setting {
        public Weight {
            Objects.requireNonNull(weight, "weight");
        }
    }

    public record Idle() implements Setting {
    }

    public record Unset() implements Setting {
    }

    public CpuWeightDirective {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(setting, "setting");
        if (kind != DirectiveKind.CPU_WEIGHT && kind != DirectiveKind.STARTUP_CPU_WEIGHT) {
            throw new IllegalArgumentException("not a cpu weight directive [" + kind + "]");
        }
    }

    /** A {@code CPUWeight=}. */
    public CpuWeightDirective(Setting setting) {
        this(DirectiveKind.CPU_WEIGHT, setting);
    }

    /** {@code CPUWeight=}: {@link #parse(DirectiveKind, String)}. */
    public static CpuWeightDirective parse(String text) {
        return parse(DirectiveKind.CPU_WEIGHT, text);
    }

    /**
     * Parses as systemd's {@code cg_cpu_weight_parse()}: {@code idle}, else {@link IoWeightDirective#parseWeight}.
     *
     * @throws InvalidDirectiveException naming the directive and {@code text}
     */
    public static CpuWeightDirective parse(DirectiveKind kind, String text) {
        Objects.requireNonNull(text, "text");
        if (text.equals("idle")) {
            return new CpuWeightDirective(kind, new Idle());
        }
        var weight = IoWeightDirective.parseWeight(kind.directive(), text, "a number or \"idle\"");
        return new CpuWeightDirective(kind, weight.isEmpty() ? new Unset() : new Weight(new CpuWeight(weight.getAsInt())));
    }

    @Override
    public String format() {
        if (setting instanceof Weight w) {
            return w.weight().formatCgroup();
        }
        return setting instanceof Idle ? "idle" : "";
    }

    /**
     * {@code CPUWeight=N}, {@code CPUWeight=idle}, or {@code CPUWeight=} when unset; verified byte for byte
     * against systemd 252 in the test VM (oracle/debian12-systemd252). {@code StartupCPUWeight=} alike.
     */
    @Override
    public String dropInLine() {
        return name() + "=" + format();
    }

    /**
     * {@code CPUWeight t N}; {@code idle} is {@code CGROUP_WEIGHT_IDLE} (0), unset is
     * {@code CGROUP_WEIGHT_INVALID} ({@code UINT64_MAX}), as {@code bus_append_cg_cpu_weight_parse()} sends them.
     */
    @Override
    public DbusProperty dbusProperty() {
        if (setting instanceof Weight w) {
            return DbusProperty.uint64(name(), w.weight().weight());
        }
        return DbusProperty.uint64(name(), setting instanceof Idle ? 0L : DbusProperty.UINT64_MAX);
    }

    /**
     * As systemd's {@code cgroup_apply_unified_cpu_idle()} and {@code ..._cpu_weight()}: {@code cpu.idle=1}
     * alone for idle (the kernel then reads {@code cpu.weight} as 0), else {@code cpu.idle=0} and
     * {@code cpu.weight} (100 when unset). systemd ignores ENOENT for {@code cpu.idle} on kernels before
     * 5.15; {@link io.servd.cgroup.CgroupWriter} does not, so plan only for 5.15+ there.
     *
     * <p>{@code StartupCPUWeight=} writes nothing: systemd applies it only while the manager starts up
     * ({@code cgroup_context_cpu_weight()} in src/core/cgroup.c: {@code MANAGER_STARTING}/{@code MANAGER_INITIALIZING});
     * after boot, where servd runs, systemd writes {@code cpu.weight} from {@code CPUWeight=} (or 100), which is
     * what the file holds already. Setting it only makes the unit want the cpu controller.
     */
    public List<CgroupWrite> cgroupWrites() {
        if (kind == DirectiveKind.STARTUP_CPU_WEIGHT) {
            return List.of();
        }
        if (setting instanceof Idle) {
            return List.of(new CgroupWrite(CgroupFile.CPU_IDLE, "1"));
        }
        CpuWeight weight = setting instanceof Weight w ? w.weight() : CpuWeight.DEFAULT;
        return List.of(new CgroupWrite(CgroupFile.CPU_IDLE, "0"), new CgroupWrite(CgroupFile.CPU_WEIGHT, weight.formatCgroup()));
    }

    /** {@link #cgroupWrites()}; the cpu weight does not depend on other directives. */
    @Override
    public List<CgroupWrite> cgroupWrites(HostResources host, CgroupSettings settings) {
        return cgroupWrites();
    }
}
