package io.servd.cgroup.unit;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupException;
import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupFile;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The host values systemd scales percentages against.
 *
 * @param physicalMemory what systemd's {@code physical_memory()} returns: RAM, capped by the root
 *                       cgroup's memory limit inside a container, a multiple of the page size;
 *                       the base of {@code MemoryMax=50%}
 * @param pageSize       bytes per page (4096 on x86-64)
 * @param systemTasksMax what systemd's {@code system_tasks_max()} returns (see
 *                       {@link #systemTasksMax(long, long, OptionalLong)}); the base of {@code TasksMax=15%}
 * @param blockDevices   how the I/O directives' paths become device numbers ({@code IOReadBandwidthMax=/dev/vda 1M}
 *                       writes {@code io.max} for {@code 254:0}): {@link SysfsBlockDevices#system()} on a live host;
 *                       {@link BlockDevices#none()} plans no I/O device writes
 */
public record HostResources(ByteSize physicalMemory, long pageSize, long systemTasksMax, BlockDevices blockDevices) {

    /** The kernel's hard ceiling on tasks ({@code PID_MAX_LIMIT}, 2^22), systemd's {@code TASKS_MAX}. */
    public static final long TASKS_MAX = 4_194_303L;

    public HostResources {
        Objects.requireNonNull(physicalMemory, "physicalMemory");
        Objects.requireNonNull(blockDevices, "blockDevices");
        if (pageSize <= 0 || Long.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size must be a positive power of two [" + pageSize + "]");
        }
        if (physicalMemory.bytes() < pageSize) {
            throw new IllegalArgumentException("physical memory below one page [" + physicalMemory.bytes() + "]");
        }
        if (systemTasksMax < 1) {
            throw new IllegalArgumentException("system task limit must be positive [" + systemTasksMax + "]");
        }
    }

    /** Without block devices ({@link BlockDevices#none()}): no I/O device writes are planned. */
    public HostResources(ByteSize physicalMemory, long pageSize, long systemTasksMax) {
        this(physicalMemory, pageSize, systemTasksMax, BlockDevices.none());
    }

    /** These values with {@code devices} to resolve the I/O directives' paths. */
    public HostResources withBlockDevices(BlockDevices devices) {
        return new HostResources(physicalMemory, pageSize, systemTasksMax, devices);
    }

    /**
     * Reads this host's values as systemd does: {@code MemTotal} from {@code /proc/meminfo}, capped by the
     * root cgroup's {@code memory.max} and rounded down to a page ({@code physical_memory()}); the page size
     * from {@code /proc/self/smaps}; {@code kernel.pid_max}, {@code kernel.threads-max} and the root cgroup's
     * {@code pids.max} ({@code system_tasks_max()}). Without block devices: add them with
     * {@link #withBlockDevices} ({@link SysfsBlockDevices#system()}).
     *
     * @param root the unified hierarchy's root (its {@code memory.max}/{@code pids.max} matter inside containers)
     * @throws CgroupException naming the file and raw value when a file cannot be parsed
     */
    public static HostResources read(ProcFs proc, CgroupRoot root) throws IOException {
        long pageSize = kernelPageSize(proc.selfSmaps());
        long memTotal = Math.multiplyExact(meminfoKb(proc.meminfo(), "MemTotal:"), 1024L);
        CgroupDir top = root.resolve("/");
        Optional<String> rootMemoryMax = top.read(CgroupFile.MEMORY_MAX).map(String::strip);
        if (rootMemoryMax.isPresent() && !rootMemoryMax.get().equals("max")) {
            memTotal = Math.min(memTotal, number(rootMemoryMax.get(), top.file(CgroupFile.MEMORY_MAX)));
        }
        Optional<String> rootPidsMax = top.read(CgroupFile.PIDS_MAX).map(String::strip);
        OptionalLong pids = rootPidsMax.isPresent() && !rootPidsMax.get().equals("max")
                ? OptionalLong.of(number(rootPidsMax.get(), top.file(CgroupFile.PIDS_MAX))) : OptionalLong.empty();
        long tasks = systemTasksMax(sysctl(proc, "pid_max"), sysctl(proc, "threads-max"), pids);
        return new HostResources(ByteSize.ofBytes(memTotal / pageSize * pageSize), pageSize, tasks);
    }

    /**
     * Reads a {@code /proc/sys/kernel} value in one {@code read(2)}: these files report size 0, and
     * for a read at a non-zero offset the kernel answers EOF, so {@code Files.readString} (which
     * reads one byte first when the size is 0) returned just "4" for pid_max 4194304.
     */
    private static long sysctl(ProcFs proc, String name) throws IOException {
        Path file = proc.kernelSysctl(name);
        String raw;
        try (var in = Files.newInputStream(file)) {
            raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return number(raw.strip(), file);
    }

    private static long meminfoKb(Path file, String key) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith(key)) {
                String[] f = line.substring(key.length()).strip().split("\\s+");
                if (f.length == 2 && f[1].equals("kB")) {
                    return number(f[0], file);
                }
                throw new CgroupException("expected \"" + key + " N kB\": [" + line + "] in [" + file + "]");
            }
        }
        throw new CgroupException("missing [" + key + "] in [" + file + "]");
    }

    private static long kernelPageSize(Path smaps) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(smaps, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("KernelPageSize:")) {
                    return Math.multiplyExact(meminfoKbLine(line, smaps), 1024L);
                }
            }
        }
        throw new CgroupException("missing [KernelPageSize:] in [" + smaps + "]");
    }

    private static long meminfoKbLine(String line, Path file) throws CgroupException {
        String[] f = line.substring(line.indexOf(':') + 1).strip().split("\\s+");
        if (f.length != 2 || !f[1].equals("kB")) {
            throw new CgroupException("expected \"KEY: N kB\": [" + line + "] in [" + file + "]");
        }
        return number(f[0], file);
    }

    private static long number(String raw, Path file) throws CgroupException {
        if (raw.isEmpty() || raw.length() > 18 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new CgroupException("expected a number: [" + raw + "] in [" + file + "]");
        }
        return Long.parseLong(raw);
    }

    /**
     * systemd's {@code system_tasks_max()}: the smallest of {@code TASKS_MAX}, {@code kernel.threads-max},
     * {@code kernel.pid_max - 1} and the root cgroup's {@code pids.max}.
     *
     * @param pidMax      {@code /proc/sys/kernel/pid_max}
     * @param threadsMax  {@code /proc/sys/kernel/threads-max}
     * @param rootPidsMax the root cgroup's {@code pids.max}; empty when it is {@code max} or absent
     */
    public static long systemTasksMax(long pidMax, long threadsMax, OptionalLong rootPidsMax) {
        long limit = TASKS_MAX;
        if (threadsMax > 0) {
            limit = Math.min(limit, threadsMax);
        }
        if (pidMax > 1) {
            limit = Math.min(limit, pidMax - 1);
        }
        if (rootPidsMax.isPresent() && rootPidsMax.getAsLong() > 0) {
            limit = Math.min(limit, rootPidsMax.getAsLong());
        }
        return limit;
    }

    /**
     * systemd's {@code physical_memory_scale(v, max)}: physical memory times {@code v / max}, in whole
     * pages (rounded down).
     */
    long scaleMemory(long v, long max) {
        if (v == 0) {
            return 0;
        }
        if (v == max) {
            return physicalMemory.bytes();
        }
        long pages = physicalMemory.bytes() / pageSize;
        return Math.multiplyExact(Math.multiplyExact(pages, v) / max, pageSize);
    }

    /** systemd's {@code system_tasks_max_scale(v, max)}: the task limit times {@code v / max}, rounded down. */
    long scaleTasks(long v, long max) {
        return Math.multiplyExact(systemTasksMax, v) / max;
    }
}
