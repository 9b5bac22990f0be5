package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupFile;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The one reader of a cgroup's limits, usage and pressure: every file a {@link CgroupSnapshot} holds,
 * read with the controller readers. One broken file does not hide the others: its value is empty and
 * its exception is in {@link CgroupSnapshot#errors()}; the caller picks the policy (the agent reports
 * the errors, {@code servctl top} fails on the first). Two snapshots of one cgroup give its
 * {@link CgroupUsage} over the interval. Read-only, stateless and thread-safe.
 */
public final class CgroupReader {

    /** Every cgroup2 file a snapshot can hold: what {@link #CgroupReader(LongSupplier)} reads. */
    public static final Set<CgroupFile> ALL = Collections.unmodifiableSet(EnumSet.of(CgroupFile.CPU_IDLE,
            CgroupFile.CPU_WEIGHT, CgroupFile.MEMORY_MAX, CgroupFile.MEMORY_HIGH, CgroupFile.CPU_MAX, CgroupFile.PIDS_MAX,
            CgroupFile.MEMORY_MIN, CgroupFile.MEMORY_LOW, CgroupFile.MEMORY_SWAP_MAX, CgroupFile.MEMORY_ZSWAP_MAX,
            CgroupFile.CPUSET_CPUS, CgroupFile.CPUSET_MEMS, CgroupFile.IO_WEIGHT, CgroupFile.IO_MAX, CgroupFile.CPU_STAT,
            CgroupFile.MEMORY_CURRENT, CgroupFile.MEMORY_PEAK, CgroupFile.PIDS_CURRENT, CgroupFile.IO_STAT,
            CgroupFile.MEMORY_EVENTS, CgroupFile.CPU_PRESSURE, CgroupFile.MEMORY_PRESSURE, CgroupFile.IO_PRESSURE,
            CgroupFile.MEMORY_STAT, CgroupFile.MEMORY_SWAP_CURRENT));

    private final LongSupplier nanoTime;
    private final Set<CgroupFile> files;

    /** A reader on {@link System#nanoTime()}. */
    public CgroupReader() {
        this(System::nanoTime);
    }

    /** A reader whose snapshots are stamped by the given monotonic clock in nanoseconds (tests pass a fake one). */
    public CgroupReader(LongSupplier nanoTime) {
        this(nanoTime, ALL);
    }

    /**
     * A reader of some of the files only: the others are not opened and stay empty in its
     * snapshots, as absent files do. A view that shows a dozen of the files (servctl top) reads
     * half of them, and not {@code memory.stat}, the longest. A v1 fallback of a hybrid or legacy
     * host is read when its cgroup2 counterpart is selected ({@code memory.limit_in_bytes} for
     * {@code memory.max}, {@code cpuacct.usage} for {@code cpu.stat}, …).
     *
     * @param files a subset of {@link #ALL}
     * @throws IllegalArgumentException when {@code files} holds a file no snapshot holds
     */
    public CgroupReader(LongSupplier nanoTime, Set<CgroupFile> files) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        Objects.requireNonNull(files, "files");
        for (CgroupFile f : files) {
            if (!ALL.contains(f)) {
                throw new IllegalArgumentException("[" + f + "] is not a file a cgroup snapshot holds");
            }
        }
        this.files = files.isEmpty() ? EnumSet.noneOf(CgroupFile.class) : EnumSet.copyOf(files);
    }

    /**
     * Reads one cgroup v2 directory: {@code cpu.idle}, {@code cpu.weight}, {@code memory.max},
     * {@code memory.high}, {@code cpu.max}, {@code pids.max}, {@code memory.swap.max}, {@code cpu.stat},
     * {@code memory.current}, {@code memory.peak}, {@code pids.current}, {@code io.stat},
     * {@code memory.events}, the three PSI files, {@code memory.stat} and {@code memory.swap.current},
     * in that order. The time stamp is taken before the reads. Never throws for a file: absent
     * files are empty, broken ones are listed in {@link CgroupSnapshot#errors()}.
     */
    public CgroupSnapshot read(CgroupDir dir) {
        long now = nanoTime.getAsLong();
        List<IOException> errors = new ArrayList<>();
        return new CgroupSnapshot(dir.group(), now, limits(dir, errors), usage(dir, errors), errors);
    }

    /** Reads each directory in order; see {@link #read(CgroupDir)}. */
    public List<CgroupSnapshot> read(Collection<CgroupDir> dirs) {
        List<CgroupSnapshot> snapshots = new ArrayList<>(dirs.size());
        for (CgroupDir dir : dirs) {
            snapshots.add(read(dir));
        }
        return snapshots;
    }

    /**
     * Reads cgroup {@code group} on every hierarchy of {@code mounts}: the cgroup2 directory as
     * {@link #read(CgroupDir)} does, when it exists; then, for what cgroup2 left absent, the v1
     * hierarchies of a hybrid or legacy host ({@code memory.usage_in_bytes}, {@code memory.limit_in_bytes},
     * {@code pids.current}, {@code cpu.cfs_quota_us}/{@code cpu.cfs_period_us}, {@code cpuacct.usage}).
     * Limits and counters that exist only on v2 stay empty on v1.
     *
     * @param group absolute cgroup path, e.g. {@code /system.slice/foo.service}; {@code /} is the root
     * @throws IllegalArgumentException when {@code group} is not an absolute, normalised path
     */
    public CgroupSnapshot read(CgroupMounts mounts, String group) {
        long now = nanoTime.getAsLong();
        List<IOException> errors = new ArrayList<>();
        CgroupSnapshot.Limits limits = CgroupSnapshot.Limits.none();
        CgroupSnapshot.Usage usage = CgroupSnapshot.Usage.none();
        if (mounts.unified().isPresent()) {
            CgroupDir dir = mounts.unified().get().resolve(group);
            if (dir.exists()) {
                limits = limits(dir, errors);
                usage = usage(dir, errors);
            }
        }
        Optional<ByteSize> memoryCurrent = usage.memoryCurrent();
        Optional<MemoryMax> memoryMax = limits.memoryMax();
        if (mounts.memoryV1().isPresent()) {
            MemoryController memory = MemoryController.of(mounts.memoryV1().get().resolve(group), CgroupVersion.V1);
            memoryCurrent = memoryCurrent.isPresent() ? memoryCurrent
                    : attempt(errors, CgroupFile.MEMORY_CURRENT, memory::readCurrent);
            memoryMax = memoryMax.isPresent() ? memoryMax : attempt(errors, CgroupFile.MEMORY_MAX, memory::readMax);
        }
        OptionalLong pidsCurrent = usage.pidsCurrent();
        if (pidsCurrent.isEmpty() && mounts.pidsV1().isPresent()) {
            pidsCurrent = optionalLong(attempt(errors, CgroupFile.PIDS_CURRENT,
                    PidsController.of(mounts.pidsV1().get().resolve(group))::readCurrent));
        }
        Optional<CpuMax> cpuMax = limits.cpuMax();
        if (cpuMax.isEmpty() && mounts.cpuV1().isPresent()) {
            cpuMax = attempt(errors, CgroupFile.CPU_MAX,
                    CpuController.of(mounts.cpuV1().get().resolve(group), CgroupVersion.V1)::readMax);
        }
        Optional<Duration> cpuacct = usage.cpuacctUsage();
        if (usage.cpu().isEmpty() && mounts.cpuacctV1().isPresent()) {
            cpuacct = attempt(errors, CgroupFile.CPU_STAT,
                    CpuController.of(mounts.cpuacctV1().get().resolve(group), CgroupVersion.V1)::readCpuacctUsage);
        }
        return new CgroupSnapshot(group, now,
                limits.withMemoryAndCpuMax(memoryMax, cpuMax),
                new CgroupSnapshot.Usage(usage.cpu(), cpuacct, memoryCurrent, usage.memoryPeak(), pidsCurrent,
                        usage.io(), usage.memoryEvents(), usage.cpuPressure(), usage.memoryPressure(),
                        usage.ioPressure(), usage.memoryStat(), usage.swapCurrent()),
                errors);
    }

    private CgroupSnapshot.Limits limits(CgroupDir dir, List<IOException> errors) {
        CpuController cpu = CpuController.of(dir);
        MemoryController memory = MemoryController.of(dir);
        Optional<Boolean> idle = attempt(errors, CgroupFile.CPU_IDLE, cpu::readIdle);
        // empty for an idle cgroup (cpu.weight shows 0 then): CpuController.readWeight
        Optional<CpuWeight> weight = attempt(errors, CgroupFile.CPU_WEIGHT, cpu::readWeight);
        return new CgroupSnapshot.Limits(attempt(errors, CgroupFile.MEMORY_MAX, memory::readMax),
                attempt(errors, CgroupFile.MEMORY_HIGH, memory::readHigh), attempt(errors, CgroupFile.CPU_MAX, cpu::readMax),
                weight, idle, attempt(errors, CgroupFile.PIDS_MAX, PidsController.of(dir)::readMax),
                limit(dir, errors, CgroupFile.MEMORY_MIN), limit(dir, errors, CgroupFile.MEMORY_LOW),
                limit(dir, errors, CgroupFile.MEMORY_SWAP_MAX), limit(dir, errors, CgroupFile.MEMORY_ZSWAP_MAX),
                attempt(errors, CgroupFile.CPUSET_CPUS, () -> CgroupParser.read(dir, CgroupFile.CPUSET_CPUS, CpusetCpus::parseCgroup)),
                attempt(errors, CgroupFile.CPUSET_MEMS, () -> CgroupParser.read(dir, CgroupFile.CPUSET_MEMS, CpusetCpus::parseCgroup)),
                attempt(errors, CgroupFile.IO_WEIGHT, () -> CgroupParser.read(dir, CgroupFile.IO_WEIGHT, IoWeight::parseCgroup)),
                attempt(errors, CgroupFile.IO_MAX, () -> CgroupParser.read(dir, CgroupFile.IO_MAX, IoMax::parseCgroup)));
    }

    /** A byte limit file ({@code memory.min}, {@code memory.swap.max}, …) as {@link ByteSize#parseCgroupLimit} reads it. */
    private Optional<Limit<ByteSize>> limit(CgroupDir dir, List<IOException> errors, CgroupFile file) {
        return attempt(errors, file, () -> CgroupParser.read(dir, file, ByteSize::parseCgroupLimit));
    }

    private CgroupSnapshot.Usage usage(CgroupDir dir, List<IOException> errors) {
        CpuController cpu = CpuController.of(dir);
        MemoryController memory = MemoryController.of(dir);
        IoController io = IoController.of(dir);
        return new CgroupSnapshot.Usage(attempt(errors, CgroupFile.CPU_STAT, cpu::readStat), Optional.empty(),
                attempt(errors, CgroupFile.MEMORY_CURRENT, memory::readCurrent),
                attempt(errors, CgroupFile.MEMORY_PEAK, memory::readPeak),
                optionalLong(attempt(errors, CgroupFile.PIDS_CURRENT, PidsController.of(dir)::readCurrent)),
                attempt(errors, CgroupFile.IO_STAT, io::readStat),
                attempt(errors, CgroupFile.MEMORY_EVENTS, memory::readEvents),
                attempt(errors, CgroupFile.CPU_PRESSURE, cpu::readPressure),
                attempt(errors, CgroupFile.MEMORY_PRESSURE, memory::readPressure),
                attempt(errors, CgroupFile.IO_PRESSURE, io::readPressure),
                attempt(errors, CgroupFile.MEMORY_STAT, memory::readStat),
                attempt(errors, CgroupFile.MEMORY_SWAP_CURRENT, memory::readSwapCurrent));
    }

    @FunctionalInterface
    private interface Read<T> {
        Optional<T> read() throws IOException;
    }

    /** {@link #attempt(List, Read)} when {@code file} is selected, else empty without reading it. */
    private <T> Optional<T> attempt(List<IOException> errors, CgroupFile file, Read<T> read) {
        return files.contains(file) ? attempt(errors, read) : Optional.empty();
    }

    private static <T> Optional<T> attempt(List<IOException> errors, Read<T> read) {
        try {
            return read.read();
        } catch (IOException e) {
            errors.add(e);
        } catch (RuntimeException e) {
            // e.g. a value a record's compact constructor rejects; the message already names it
            errors.add(new CgroupException(String.valueOf(e.getMessage()), e));
        }
        return Optional.empty();
    }

    private static OptionalLong optionalLong(Optional<Long> value) {
        return value.isPresent() ? OptionalLong.of(value.get()) : OptionalLong.empty();
    }
}
