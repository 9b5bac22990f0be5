package io.servd.cgroup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The CPU bandwidth limit of a cgroup: at most {@code quota} of CPU time per {@code period}, summed
 * over all CPUs. A quota of twice the period means two CPUs' worth.
 *
 * @param quota  CPU time allowed per period; {@link Limit.Unlimited} when the file says {@code max}
 *               (v1: {@code cpu.cfs_quota_us} is {@code -1}); whole microseconds, positive
 * @param period the accounting period; whole microseconds, positive (kernel default 100 ms)
 */
public record CpuMax(Limit<Duration> quota, Duration period) {

    /** The kernel's and systemd's default period, 100 ms. */
    public static final Duration DEFAULT_PERIOD = Duration.ofMillis(100);

    public CpuMax {
        Objects.requireNonNull(quota, "quota");
        Objects.requireNonNull(period, "period");
        requireWholePositiveMicros(period, "period");
        if (quota instanceof Limit.AtMost<Duration> atMost) {
            requireWholePositiveMicros(atMost.value(), "quota");
        }
    }

    /** No quota, with {@code period}. */
    public static CpuMax unlimited(Duration period) {
        return new CpuMax(Limit.unlimited(), period);
    }

    /** At most {@code quota} per {@code period}. */
    public static CpuMax of(Duration quota, Duration period) {
        return new CpuMax(Limit.atMost(quota), period);
    }

    /**
     * Parses cgroup v2 {@code cpu.max}.
     *
     * @param raw  the file content, {@code "$MAX $PERIOD"} in microseconds where {@code $MAX} may be
     *             {@code "max"}; a lone {@code $MAX} is accepted with the default period, as the kernel
     *             accepts it on write
     * @param file where {@code raw} came from, named in the exception
     * @throws MalformedCgroupFileException if {@code raw} does not have that form
     */
    public static CpuMax parseCgroup(String raw, Path file) throws MalformedCgroupFileException {
        // cpu.max: "$MAX $PERIOD", $MAX may be "max"
        String[] fields = raw.strip().split("[ \t]+");
        if (fields.length < 1 || fields.length > 2 || fields[0].isEmpty()) {
            throw new MalformedCgroupFileException(file, raw, "expected \"$MAX $PERIOD\"");
        }
        Duration period = DEFAULT_PERIOD;
        if (fields.length == 2) {
            period = positiveMicros(fields[1], raw, file, "period");
        }
        if (fields[0].equals("max")) {
            return unlimited(period);
        }
        return of(positiveMicros(fields[0], raw, file, "quota"), period);
    }

    /** Formats as cgroup v2 {@code cpu.max} expects it: {@code "max 100000"} or {@code "50000 100000"}. */
    public String formatCgroup() {
        String max = quota instanceof Limit.AtMost<Duration> atMost ? Long.toString(micros(atMost.value())) : "max";
        return max + " " + micros(period);
    }

    /**
     * The number of CPUs this limit allows, {@code quota / period}; e.g. 1.5 for "150000 100000".
     *
     * @return empty when the quota is unlimited
     */
    public OptionalDouble cpus() {
        if (quota instanceof Limit.AtMost<Duration> atMost) {
            return OptionalDouble.of((double) micros(atMost.value()) / micros(period));
        }
        return OptionalDouble.empty();
    }

    static Duration positiveMicros(String field, String raw, Path file, String what)
            throws MalformedCgroupFileException {
        long micros;
        try {
            micros = ByteSize.parseCount(field, raw, file);
        } catch (MalformedCgroupFileException e) {
            throw new MalformedCgroupFileException(file, raw, what + " is not a number of microseconds");
        }
        if (micros == 0) {
            throw new MalformedCgroupFileException(file, raw, what + " must be positive");
        }
        // The kernel caps both at 2^44 - 1 us (MAX_BW); beyond Long.MAX_VALUE ns a Duration's nanos overflow.
        if (micros > Long.MAX_VALUE / 1000L) {
            throw new MalformedCgroupFileException(file, raw, what + " out of range");
        }
        return Duration.ofNanos(micros * 1000L);
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1000L;
    }

    private static void requireWholePositiveMicros(Duration d, String what) {
        if (d.isNegative() || d.isZero() || d.toNanos() % 1000L != 0) {
            throw new IllegalArgumentException(what + " must be a positive whole number of microseconds [" + d + "]");
        }
    }
}
