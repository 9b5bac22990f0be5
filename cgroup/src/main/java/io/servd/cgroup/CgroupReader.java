package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupFile;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The one reader of a cgroup's limits, usage and pressure: every file a {@link CgroupSnapshot} holds,
 * read with the controller readers. One broken file does not hide the others: its value is empty and
 * its exception is in {@link CgroupSnapshot#errors()}; the caller picks the policy (the agent reports
 * the errors, {@code servctl top} fails on the first). Two snapshots of one cgroup give its
 * {@link CgroupUsage} over the interval. Read-only, stateless and thread-safe.
 */
public final class CgroupReader {

    private final LongSupplier nanoTime;

    /** A reader on {@link System#nanoTime()}. */
    public CgroupReader() {
        this(System::nanoTime);
    }

    /** A reader whose snapshots are stamped by the given monotonic clock in nanoseconds (tests pass a fake one). */
    public CgroupReader(LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
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
            memoryCurrent = memoryCurrent.isPresent() ? memoryCurrent : attempt(errors, memory::readCurrent);
            memoryMax = memoryMax.isPresent() ? memoryMax : attempt(errors, memory::readMax);
        }
        OptionalLong pidsCurrent = usage.pidsCurrent();
        if (pidsCurrent.isEmpty() && mounts.pidsV1().isPresent()) {
            pidsCurrent = optionalLong(attempt(errors, PidsController.of(mounts.pidsV1().get().resolve(group))::readCurrent));
        }
        Optional<CpuMax> cpuMax = limits.cpuMax();
        if (cpuMax.isEmpty() && mounts.cpuV1().isPresent()) {
            cpuMax = attempt(errors, CpuController.of(mounts.cpuV1().get().resolve(group), CgroupVersion.V1)::readMax);
        }
        Optional<Duration> cpuacct = usage.cpuacctUsage();
        if (usage.cpu().isEmpty() && mounts.cpuacctV1().isPresent()) {
            cpuacct = attempt(errors,
                    CpuController.of(mounts.cpuacctV1().get().resolve(group), CgroupVersion.V1)::readCpuacctUsage);
        }
        return new CgroupSnapshot(group, now,
                limits.withMemoryAndCpuMax(memoryMax, cpuMax),
                new CgroupSnapshot.Usage(usage.cpu(), cpuacct, memoryCurrent, usage.memoryPeak(), pidsCurrent,
                        usage.io(), usage.memoryEvents(), usage.cpuPressure(), usage.memoryPressure(),
                        usage.ioPressure(), usage.memoryStat(), usage.swapCurrent()),
                errors);
    }

    private static CgroupSnapshot.Limits limits(CgroupDir dir, List<IOException> errors) {
        CpuController cpu = CpuController.of(dir);
        MemoryController memory = MemoryController.of(dir);
        Optional<Boolean> idle = attempt(errors, cpu::readIdle);
        // empty for an idle cgroup (cpu.weight shows 0 then): CpuController.readWeight
        Optional<CpuWeight> weight = attempt(errors, cpu::readWeight);
        return new CgroupSnapshot.Limits(attempt(errors, memory::readMax), attempt(errors, memory::readHigh),
                attempt(errors, cpu::readMax), weight, idle, attempt(errors, PidsController.of(dir)::readMax),
                attempt(errors, () -> CgroupParser.read(dir, CgroupFile.MEMORY_MIN, ByteSize::parseCgroupLimit)),
                attempt(errors, () -> CgroupParser.read(dir, CgroupFile.MEMORY_LOW, ByteSize::parseCgroupLimit)),
                attempt(errors, () -> CgroupParser.read(dir, CgroupFile.MEMORY_SWAP_MAX, ByteSize::parseCgroupLimit)),
                attempt(errors, () -> CgroupParser.read(dir, CgroupFile.MEMORY_ZSWAP_MAX, ByteSize::parseCgroupLimit)),
                attempt(errors, () -> CgroupParser.read(dir, CgroupFile.CPUSET_CPUS, CpusetCpus::parseCgroup)),
                attempt(errors, () -> CgroupParser.read(dir, CgroupFile.CPUSET_MEMS, CpusetCpus::parseCgroup)),
                attempt(errors, () -> CgroupParser.read(dir, CgroupFile.IO_WEIGHT, IoWeight::parseCgroup)),
                attempt(errors, () -> CgroupParser.read(dir, CgroupFile.IO_MAX, IoMax::parseCgroup)));
    }

    private static CgroupSnapshot.Usage usage(CgroupDir dir, List<IOException> errors) {
        CpuController cpu = CpuController.of(dir);
        MemoryController memory = MemoryController.of(dir);
        IoController io = IoController.of(dir);
        return new CgroupSnapshot.Usage(attempt(errors, cpu::readStat), Optional.empty(),
                attempt(errors, memory::readCurrent), attempt(errors, memory::readPeak),
                optionalLong(attempt(errors, PidsController.of(dir)::readCurrent)), attempt(errors, io::readStat),
                attempt(errors, memory::readEvents), attempt(errors, cpu::readPressure),
                attempt(errors, memory::readPressure), attempt(errors, io::readPressure),
                attempt(errors, memory::readStat), attempt(errors, memory::readSwapCurrent));
    }

    @FunctionalInterface
    private interface Read<T> {
        Optional<T> read() throws IOException;
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
