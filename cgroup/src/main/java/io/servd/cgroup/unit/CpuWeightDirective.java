package io.servd.cgroup.unit;

import io.servd.cgroup.CgroupWrite;
import io.servd.cgroup.CpuWeight;
import io.servd.cgroup.fs.CgroupFile;

import java.util.List;
import java.util.Objects;

/**
 * {@code CPUWeight=}: 1–10000 (default 100), {@code idle} for SCHED_IDLE, or empty for the default.
 *
 * @param setting the parsed value
 */
public record CpuWeightDirective(Setting setting) implements ResourceDirective {

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
        Objects.requireNonNull(setting, "setting");
    }

    /**
     * Parses as systemd's {@code cg_cpu_weight_parse()}.
     *
     * @throws InvalidDirectiveException naming {@code text}
     */
    public static CpuWeightDirective parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            return new CpuWeightDirective(new Unset());
        }
        if (text.equals("idle")) {
            return new CpuWeightDirective(new Idle());
        }
        if (!text.chars().allMatch(c -> c >= '0' && c <= '9') || text.length() > 6) {
            throw new InvalidDirectiveException("CPUWeight", text, "not a number or \"idle\"");
        }
        int weight = Integer.parseInt(text);
        if (weight < 1 || weight > 10_000) {
            throw new InvalidDirectiveException("CPUWeight", text, "out of range 1..10000");
        }
        return new CpuWeightDirective(new Weight(new CpuWeight(weight)));
    }

    @Override
    public DirectiveKind kind() {
        return DirectiveKind.CPU_WEIGHT;
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
     * against systemd 252 in the test VM (oracle/debian12-systemd252).
     */
    @Override
    public String dropInLine() {
        return "CPUWeight=" + format();
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
     */
    public List<CgroupWrite> cgroupWrites() {
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
