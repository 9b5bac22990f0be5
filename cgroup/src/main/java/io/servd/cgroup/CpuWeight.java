package io.servd.cgroup;

import java.nio.file.Path;

/**
 * The relative CPU share of a cgroup among its siblings ({@code cpu.weight}), 1–10000, default 100.
 * The separate {@code cpu.idle} flag (systemd's {@code CPUWeight=idle}) is read by
 * {@link CpuController#readIdle()}.
 *
 * @param weight 1–10000
 */
public record CpuWeight(int weight) {

    /** The kernel's and systemd's default weight. */
    public static final CpuWeight DEFAULT = new CpuWeight(100);

    public CpuWeight {
        if (weight < 1 || weight > 10_000) {
            throw new IllegalArgumentException("cpu weight must be within 1..10000 [" + weight + "]");
        }
    }

    /**
     * Parses {@code cpu.weight}.
     *
     * @throws MalformedCgroupFileException when not a number in 1..10000
     */
    public static CpuWeight parseCgroup(String raw, Path file) throws MalformedCgroupFileException {
        long value = ByteSize.parseCount(raw.strip(), raw, file);
        if (value < 1 || value > 10_000) {
            throw new MalformedCgroupFileException(file, raw, "cpu weight out of range 1..10000");
        }
        return new CpuWeight((int) value);
    }

    /** Formats as {@code cpu.weight} expects it. */
    public String formatCgroup() {
        return Integer.toString(weight);
    }
}
