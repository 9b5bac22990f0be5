package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Reads the usage counters of cgroup v2 directories; two samples of the same cgroup give its
 * {@link CgroupUsage} over the interval, as systemd-cgtop shows it. Stateless and thread-safe.
 */
public final class Sampler {

    private final LongSupplier nanoTime;

    /** A sampler on {@link System#nanoTime()}. */
    public Sampler() {
        this(System::nanoTime);
    }

    /** A sampler on the given monotonic clock (tests pass a fake one). */
    public Sampler(LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * Samples one cgroup: {@code cpu.stat}, {@code memory.current}, {@code pids.current}, {@code io.stat}
     * and the three PSI files. The time stamp is taken before the reads.
     *
     * @throws MalformedCgroupFileException when a present file cannot be parsed
     * @throws IOException                  when a present file cannot be read
     */
    public CgroupSample sample(CgroupDir dir) throws IOException {
        long now = nanoTime.getAsLong();
        CpuController cpu = CpuController.of(dir);
        MemoryController memory = MemoryController.of(dir);
        IoController io = IoController.of(dir);
        return new CgroupSample(dir, now, cpu.readStat(), memory.readCurrent(), PidsController.of(dir).readCurrent(),
                io.readStat(), cpu.readPressure(), memory.readPressure(), io.readPressure());
    }

    /** Samples each cgroup in order; see {@link #sample(CgroupDir)}. */
    public List<CgroupSample> sample(Collection<CgroupDir> dirs) throws IOException {
        List<CgroupSample> samples = new ArrayList<>(dirs.size());
        for (CgroupDir dir : dirs) {
            samples.add(sample(dir));
        }
        return samples;
    }
}
