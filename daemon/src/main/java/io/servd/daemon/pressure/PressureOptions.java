package io.servd.daemon.pressure;

import io.servd.cgroup.PsiTrigger;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * When to give memory back, when to shed load and when to stop.
 *
 * @param trigger      the PSI trigger written to the own cgroup's {@code memory.pressure} when systemd
 *                     passes no {@code $MEMORY_PRESSURE_WRITE}: {@code "some|full STALL_USEC WINDOW_USEC"}
 *                     ({@link PsiTrigger}); unprivileged writers need a window that is a multiple of 2 s
 * @param highWater    fraction of the effective memory limit (the lower of {@code memory.high} and
 *                     {@code memory.max}) at which {@code memory.current} makes us give back, then shed
 *                     if giving back did not bring it below; in (0, 1]
 * @param lowWater     fraction of the limit {@code memory.current} must be under to leave shedding;
 *                     below {@code highWater}, so the state does not flap
 * @param quietPeriod  how long no pressure event may arrive before shedding ends; also the window in
 *                     which a second pressure event after a give-back means "not enough": shed
 * @param retryAfter   what a shed request's {@code Retry-After} says, whole seconds (at least 1 s)
 * @param sampleInterval how often {@code memory.current} (and the limits) are read
 * @param exemptPaths  request paths never shed (health and readiness probes), matched exactly
 */
public record PressureOptions(PsiTrigger trigger, double highWater, double lowWater, Duration quietPeriod,
                              Duration retryAfter, Duration sampleInterval, List<String> exemptPaths) {
    /**
     * Stalls of 150 ms in a 2 s window: systemd's own default is 200 ms per 2 s (its
     * {@code MEMORY_PRESSURE_WRITE} decodes to {@code "some 200000 2000000"}); we ask a bit earlier so
     * that giving back has a chance before the kernel starts reclaiming in earnest.
     */
    public static final PsiTrigger DEFAULT_TRIGGER = PsiTrigger.parse("some 150000 2000000");
    public static final double DEFAULT_HIGH_WATER = 0.90;
    public static final double DEFAULT_LOW_WATER = 0.75;
    /** Long enough to span several PSI windows (2 s each), short enough that a flood's end is seen soon. */
    public static final Duration DEFAULT_QUIET_PERIOD = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);
    /** About the latency of systemd's own limit changes to be seen (issue 15: "within about 1 s"). */
    public static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofSeconds(1);
    public static final List<String> DEFAULT_EXEMPT_PATHS = List.of("/healthz", "/readyz");

    public PressureOptions {
        Objects.requireNonNull(trigger, "trigger");
        if (!(highWater > 0 && highWater <= 1) || !(lowWater > 0 && lowWater < highWater)) {
            throw new IllegalArgumentException("expected 0 < low water < high water <= 1, got low [" + lowWater
                    + "] high [" + highWater + "]");
        }
        requirePositive(quietPeriod, "quietPeriod");
        requirePositive(retryAfter, "retryAfter");
        requirePositive(sampleInterval, "sampleInterval");
        if (retryAfter.toSeconds() < 1) {
            throw new IllegalArgumentException("Retry-After is whole seconds, got [" + retryAfter + "]");
        }
        exemptPaths = List.copyOf(exemptPaths);
        for (String p : exemptPaths) {
            if (!p.startsWith("/") || p.contains(" ")) {
                throw new IllegalArgumentException("expected an absolute request path, got [" + p + "]");
            }
        }
    }

    /** The defaults above. */
    public static PressureOptions defaults() {
        return new PressureOptions(DEFAULT_TRIGGER, DEFAULT_HIGH_WATER, DEFAULT_LOW_WATER, DEFAULT_QUIET_PERIOD,
                DEFAULT_RETRY_AFTER, DEFAULT_SAMPLE_INTERVAL, DEFAULT_EXEMPT_PATHS);
    }

    /**
     * The trigger as written to a PSI file, NUL-terminated as systemd writes it: the kernel's
     * {@code psi_write} overwrites the last byte written with a NUL, so without one the window's
     * last digit is lost ({@code "… 2000000"} becomes {@code "… 200000"}, under the 500 ms minimum:
     * {@code EINVAL}).
     */
    byte[] triggerBytes() {
        return (trigger.format() + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    public PressureOptions withSampleInterval(Duration interval) {
        return new PressureOptions(trigger, highWater, lowWater, quietPeriod, retryAfter, interval, exemptPaths);
    }

    public PressureOptions withQuietPeriod(Duration quiet) {
        return new PressureOptions(trigger, highWater, lowWater, quiet, retryAfter, sampleInterval, exemptPaths);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got [" + d + "]");
        }
    }
}
