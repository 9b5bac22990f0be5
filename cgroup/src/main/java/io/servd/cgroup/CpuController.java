package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads one cgroup's cpu controller files. Every reader returns empty when its file is absent (the
 * controller is not enabled for the cgroup, or this kernel lacks the file) and throws
 * {@link MalformedCgroupFileException} when the file cannot be parsed. On cgroup v1 only the limit,
 * weight and usage are read (from {@code cpu.cfs_quota_us}/{@code cpu.cfs_period_us}, {@code cpu.shares},
 * {@code cpuacct.usage}).
 */
public final class CpuController {

    /** Fewer CPUs is stricter; unlimited is loosest. */
    static final Comparator<CpuMax> STRICTEST_FIRST =
            Comparator.comparingDouble(m -> m.cpus().orElse(Double.POSITIVE_INFINITY));

    private final CgroupDir dir;
    private final CgroupVersion version;

    private CpuController(CgroupDir dir, CgroupVersion version) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.version = Objects.requireNonNull(version, "version");
    }

    /** The cpu controller of a cgroup v2 directory. */
    public static CpuController of(CgroupDir dir) {
        return new CpuController(dir, CgroupVersion.V2);
    }

    /** The cpu controller of a directory of the given hierarchy version. */
    public static CpuController of(CgroupDir dir, CgroupVersion version) {
        return new CpuController(dir, version);
    }

    /** The bandwidth limit ({@code cpu.max}); on v1 from {@code cpu.cfs_quota_us} and {@code cpu.cfs_period_us}. */
    public Optional<CpuMax> readMax() throws IOException {
        return readMax(dir, version);
    }

    /**
     * The weight ({@code cpu.weight}). On v1, {@code cpu.shares} converted as systemd does:
     * {@code clamp(shares * 100 / 1024, 1, 10000)}.
     *
     * <p>An idle cgroup ({@code cpu.idle} 1, systemd's {@code CPUWeight=idle}) has no weight: the
     * kernel schedules it SCHED_IDLE and shows {@code cpu.weight} as 0 (its idle shares, 3 of 1024,
     * rounded; seen on Linux 6.1 in the test-bed VM). Empty then, as {@link #readIdle()} says why.
     *
     * @throws MalformedCgroupFileException for 0 without {@code cpu.idle} 1, or any other value outside 1..10000
     */
    public Optional<CpuWeight> readWeight() throws IOException {
        if (version == CgroupVersion.V2) {
            Optional<String> raw = dir.read(CgroupFile.CPU_WEIGHT);
            if (raw.isEmpty() || (raw.get().strip().equals("0") && readIdle().orElse(false))) {
                return Optional.empty();
            }
            return Optional.of(CpuWeight.parseCgroup(raw.get(), dir.file(CgroupFile.CPU_WEIGHT)));
        }
        return CgroupParser.read(dir, CgroupFile.CPU_SHARES, CpuController::parseV1Shares);
    }

    /** v1 {@code cpu.shares} as a weight, {@code clamp(shares * 100 / 1024, 1, 10000)}. */
    static CpuWeight parseV1Shares(String raw, Path file) throws MalformedCgroupFileException {
        long shares = ByteSize.parseCount(raw.strip(), raw, file);
        // Clamp before multiplying (2^20 shares is past weight 10000 already): shares * 100 overflowed
        // to a negative product, and so to weight 1, from 2^63 / 100 shares on.
        return new CpuWeight((int) Math.max(1, Math.min(10_000, Math.min(shares, 1L << 20) * 100 / 1024)));
    }

    /** Whether the cgroup is SCHED_IDLE ({@code cpu.idle} is 1; Linux 5.15+). */
    public Optional<Boolean> readIdle() throws IOException {
        return CgroupParser.read(dir, CgroupFile.CPU_IDLE, (raw, file) -> switch (raw.strip()) {
            case "0" -> false;
            case "1" -> true;
            default -> throw new MalformedCgroupFileException(file, raw, "expected 0 or 1");
        });
    }

    /** Cumulative usage and throttling ({@code cpu.stat}); v2 only, empty on v1. */
    public Optional<CpuStat> readStat() throws IOException {
        return version == CgroupVersion.V2
                ? CgroupParser.read(dir, CgroupFile.CPU_STAT, CpuStat::parseCgroup) : Optional.empty();
    }

    /**
     * Cumulative CPU time of a cgroup v1 cpuacct directory ({@code cpuacct.usage}, nanoseconds); empty on
     * v2 (use {@link #readStat()}) or when the file is absent.
     *
     * @throws MalformedCgroupFileException when the file is not one decimal number
     */
    public Optional<Duration> readCpuacctUsage() throws IOException {
        if (version == CgroupVersion.V2) {
            return Optional.empty();
        }
        return CgroupParser.read(dir, CgroupFile.CPUACCT_USAGE, CpuController::parseCpuacctUsage);
    }

    /** v1 {@code cpuacct.usage}: nanoseconds. */
    static Duration parseCpuacctUsage(String raw, Path file) throws MalformedCgroupFileException {
        // Not parseUnsignedLong: it takes "+5" and non-ASCII digits, and gives a negative Duration from 2^63 on.
        try {
            return Duration.ofNanos(ByteSize.parseCount(raw.strip(), raw, file));
        } catch (MalformedCgroupFileException e) {
            throw new MalformedCgroupFileException(file, raw, "expected nanoseconds");
        }
    }

    /** CPU pressure ({@code cpu.pressure}); empty when PSI is disabled or on v1. */
    public Optional<Pressure> readPressure() throws IOException {
        return version == CgroupVersion.V2
                ? CgroupParser.read(dir, CgroupFile.CPU_PRESSURE, Pressure::parseCgroup) : Optional.empty();
    }

    static Optional<CpuMax> readMax(CgroupDir dir, CgroupVersion version) throws IOException {
        if (version == CgroupVersion.V2) {
            return CgroupParser.read(dir, CgroupFile.CPU_MAX, CpuMax::parseCgroup);
        }
        Optional<String> quota = dir.read(CgroupFile.CPU_CFS_QUOTA_US);
        if (quota.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> periodRaw = dir.read(CgroupFile.CPU_CFS_PERIOD_US);
        if (periodRaw.isEmpty()) {
            throw new CgroupException("[" + CgroupFile.CPU_CFS_QUOTA_US + "] without [" + CgroupFile.CPU_CFS_PERIOD_US
                    + "] in [" + dir.path() + "]");
        }
        Duration period = CpuMax.positiveMicros(periodRaw.get().strip(), periodRaw.get(),
                dir.file(CgroupFile.CPU_CFS_PERIOD_US), "period");
        // cpu.cfs_quota_us: microseconds, or -1 for no limit
        if (quota.get().strip().equals("-1")) {
            return Optional.of(CpuMax.unlimited(period));
        }
        return Optional.of(CpuMax.of(CpuMax.positiveMicros(quota.get().strip(), quota.get(),
                dir.file(CgroupFile.CPU_CFS_QUOTA_US), "quota"), period));
    }
}
