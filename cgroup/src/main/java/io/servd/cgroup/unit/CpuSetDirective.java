package io.servd.cgroup.unit;

import io.servd.cgroup.CgroupWrite;
import io.servd.cgroup.CpusetCpus;
import io.servd.cgroup.fs.CgroupFile;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * {@code AllowedCPUs=} and {@code AllowedMemoryNodes=}: a set of CPU (or NUMA node) numbers, as
 * systemd's src/basic/cpu-set-util.c reads and prints it. Empty means no restriction (the parent's set).
 *
 * @param kind {@link DirectiveKind#ALLOWED_CPUS} or {@link DirectiveKind#ALLOWED_MEMORY_NODES}
 * @param set  the numbers, each below {@link #MAX_CPUS}
 */
public record CpuSetDirective(DirectiveKind kind, BitSet set) implements ResourceDirective {

    /** systemd's {@code CPU_SET_MAX_NCPU}: numbers from 8192 on are refused ({@code -ERANGE}). */
    public static final int MAX_CPUS = 8192;

    public CpuSetDirective {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(set, "set");
        if (kind != DirectiveKind.ALLOWED_CPUS && kind != DirectiveKind.ALLOWED_MEMORY_NODES) {
            throw new IllegalArgumentException("not a cpu set directive [" + kind + "]");
        }
        set = (BitSet) set.clone();
        if (set.length() > MAX_CPUS) {
            throw new InvalidDirectiveException(kind.directive(), Integer.toString(set.length() - 1), "number out of range 0..8191");
        }
    }

    @Override
    public BitSet set() {
        return (BitSet) set.clone();
    }

    /**
     * Parses as systemd's {@code parse_cpu_set()} ({@code parse_cpu_set_full()} without warnings, what
     * {@code systemctl set-property} calls): words separated by white space or commas, each {@code N} or
     * {@code N-M} ({@code parse_range()}); a reversed range {@code 3-1} adds nothing and is not an error.
     * Numbers are decimal digits only.
     *
     * @throws InvalidDirectiveException naming the directive and {@code text}
     */
    public static CpuSetDirective parse(DirectiveKind kind, String text) {
        Objects.requireNonNull(text, "text");
        BitSet set = new BitSet();
        for (String word : text.split("[ \t\n\r,]+")) {
            if (word.isEmpty()) {
                continue;
            }
            int dash = word.indexOf('-');
            long from = number(kind, text, dash < 0 ? word : word.substring(0, dash));
            long to = dash < 0 ? from : number(kind, text, word.substring(dash + 1));
            for (long cpu = from; cpu <= to; cpu++) {
                if (cpu >= MAX_CPUS) {
                    throw new InvalidDirectiveException(kind.directive(), text, "number out of range 0..8191");
                }
                set.set((int) cpu);
            }
        }
        return new CpuSetDirective(kind, set);
    }

    private static long number(DirectiveKind kind, String text, String digits) {
        if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidDirectiveException(kind.directive(), text, "not a list of numbers and ranges N-M");
        }
        long n = Long.parseLong(digits);
        if (n > 0xFFFF_FFFFL) {
            throw new InvalidDirectiveException(kind.directive(), text, "number out of range 0..8191");
        }
        return n;
    }

    /**
     * As systemd's {@code cpu_set_to_range_string()}: ranges separated by spaces, {@code "0-3 5 7-8"}; empty for
     * none. The kernel's list with spaces for its commas.
     */
    @Override
    public String format() {
        return new CpusetCpus(set).formatCgroup().replace(',', ' ');
    }

    /** {@code AllowedCPUs=0-1 3} ({@code unit_write_settingf(…, "%s=%s", name, setstr)} in src/core/dbus-cgroup.c). */
    @Override
    public String dropInLine() {
        return name() + "=\n" + name() + "=" + format(); // "%s=\n%s=%s" in bus_cgroup_set_property() (systemd 252)
    }

    /**
     * {@code AllowedCPUs ay <bitmask>} as {@code cpu_set_to_dbus()}: bit {@code n % 8} of byte {@code n / 8}
     * for number {@code n}, over glibc's {@code CPU_ALLOC_SIZE}: whole 64-bit words up to the highest number;
     * no bytes for the empty set.
     */
    @Override
    public DbusProperty dbusProperty() {
        int bytes = set.isEmpty() ? 0 : (set.length() + 63) / 64 * 8;
        List<Integer> mask = new ArrayList<>(bytes);
        for (int i = 0; i < bytes; i++) {
            int b = 0;
            for (int bit = 0; bit < 8; bit++) {
                b |= set.get(i * 8 + bit) ? 1 << bit : 0;
            }
            mask.add(b);
        }
        return DbusProperty.bytes(name(), mask);
    }

    /** The set an {@code ay} from systemd describes ({@code cpu_set_from_dbus()}); what a rollback reads back. */
    public static CpuSetDirective fromDbus(DirectiveKind kind, List<Integer> bytes) {
        BitSet set = new BitSet();
        for (int i = 0; i < bytes.size(); i++) {
            for (int bit = 0; bit < 8; bit++) {
                if ((bytes.get(i) & 1 << bit) != 0) {
                    set.set(i * 8 + bit);
                }
            }
        }
        return new CpuSetDirective(kind, set);
    }

    /**
     * As {@code cgroup_apply_unified_cpuset()} (src/core/cgroup.c): {@code cpuset.cpus} (or {@code cpuset.mems})
     * gets the range string, spaces and all (the kernel's list parser takes white space between ranges, and
     * prints commas back); empty lifts the restriction.
     */
    @Override
    public List<CgroupWrite> cgroupWrites(HostResources host, CgroupSettings settings) {
        if (set.isEmpty()) {
            return List.of(); // systemd 252 leaves cpuset.cpus/mems as they are on a reset (SetPropertyOracleIT)
        }
        return List.of(new CgroupWrite(kind == DirectiveKind.ALLOWED_CPUS ? CgroupFile.CPUSET_CPUS : CgroupFile.CPUSET_MEMS, format()));
    }
}
