package io.servd.cgroup;

import java.nio.file.Path;
import java.util.BitSet;
import java.util.Objects;

/**
 * The CPUs a cgroup's tasks may run on ({@code cpuset.cpus.effective}: what systemd's
 * {@code AllowedCPUs=} and every ancestor's cpuset leave), in the kernel's cpu-list format, which
 * {@code /sys/devices/system/cpu/online} uses too.
 *
 * @param cpus the CPU numbers; may be empty (the kernel prints an empty line for a cgroup whose
 *             cpuset has no CPU, which a cgroup with tasks never has)
 */
public record CpusetCpus(BitSet cpus) {

    /** The kernel's limit on CPU numbers (CONFIG_NR_CPUS is at most 8192 on x86-64). */
    static final int MAX_CPU = 8191;

    public CpusetCpus {
        Objects.requireNonNull(cpus, "cpus");
        cpus = (BitSet) cpus.clone();
    }

    @Override
    public BitSet cpus() {
        return (BitSet) cpus.clone();
    }

    /** How many CPUs are in the set. */
    public int count() {
        return cpus.cardinality();
    }

    /**
     * Parses a cpu list such as {@code "0-3,8,10-11"}.
     *
     * @param raw  the file content; surrounding white space and the trailing newline are ignored
     * @param file where {@code raw} came from, named in the exception
     * @throws MalformedCgroupFileException when a range or number is malformed, reversed or above {@value #MAX_CPU}
     */
    public static CpusetCpus parseCgroup(String raw, Path file) throws MalformedCgroupFileException {
        // cpu list: comma-separated "N" or "N-M" (lib/bitmap.c bitmap_parselist; no stride "N-M:a/b" in output)
        BitSet set = new BitSet();
        String value = raw.strip();
        if (value.isEmpty()) {
            return new CpusetCpus(set);
        }
        for (String part : value.split(",", -1)) {
            int dash = part.indexOf('-');
            int from = cpu(dash < 0 ? part : part.substring(0, dash), raw, file);
            int to = dash < 0 ? from : cpu(part.substring(dash + 1), raw, file);
            if (to < from) {
                throw new MalformedCgroupFileException(file, raw, "reversed cpu range [" + part + "]");
            }
            set.set(from, to + 1);
        }
        return new CpusetCpus(set);
    }

    /** Formats as the kernel prints a cpu list: ranges of consecutive CPUs, e.g. {@code "0-3,8"}. */
    public String formatCgroup() {
        StringBuilder out = new StringBuilder();
        for (int from = cpus.nextSetBit(0); from >= 0; ) {
            int to = cpus.nextClearBit(from) - 1;
            out.append(out.isEmpty() ? "" : ",").append(from).append(to > from ? "-" + to : "");
            from = cpus.nextSetBit(to + 1);
        }
        return out.toString();
    }

    private static int cpu(String field, String raw, Path file) throws MalformedCgroupFileException {
        long n = ByteSize.parseCount(field, raw, file);
        if (n > MAX_CPU) {
            throw new MalformedCgroupFileException(file, raw, "cpu number out of range [" + field + "]");
        }
        return (int) n;
    }
}
