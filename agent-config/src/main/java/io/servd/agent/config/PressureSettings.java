package io.servd.agent.config;

import io.servd.cgroup.PsiTrigger;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * {@code [Pressure]}: when servd gives memory back and sheds HTTP requests ({@code 503} with
 * {@code Retry-After}) under memory pressure. The agent hands these to the daemon library's
 * {@code PressureOptions}, which holds the same defaults (a test keeps the two equal); the rules are
 * checked here too so that {@code servctl check} refuses what servd would.
 *
 * @param trigger     PSI trigger for the own cgroup's {@code memory.pressure} when systemd sets no
 *                    {@code MemoryPressureWatch=}: {@code some|full STALL_USEC WINDOW_USEC} ({@link PsiTrigger}); {@code Trigger=}
 * @param highWater   fraction of the memory limit at which servd gives back, then sheds; {@code HighWater=90%}
 * @param lowWater    fraction of the limit usage must be under to stop shedding; {@code LowWater=75%}
 * @param quiet       how long without a pressure event before shedding stops; {@code QuietSec=10s}
 * @param retryAfter  the {@code Retry-After} of a shed request, whole seconds; {@code RetryAfterSec=5s}
 * @param sample      how often {@code memory.current} and the limits are read; {@code SampleSec=1s}
 * @param exemptPaths request paths never shed; {@code ExemptPaths=/healthz /readyz}
 */
public record PressureSettings(PsiTrigger trigger, double highWater, double lowWater, Duration quiet, Duration retryAfter,
                               Duration sample, List<String> exemptPaths) {
    public PressureSettings {
        Objects.requireNonNull(trigger, "trigger");
        if (!(highWater > 0 && highWater <= 1) || !(lowWater > 0 && lowWater < highWater)) {
            throw new IllegalArgumentException("expected 0% < LowWater= < HighWater= <= 100%, got low [" + lowWater
                    + "] high [" + highWater + "]");
        }
        Objects.requireNonNull(quiet, "quiet");
        Objects.requireNonNull(retryAfter, "retryAfter");
        Objects.requireNonNull(sample, "sample");
        if (retryAfter.toSeconds() < 1) {
            throw new IllegalArgumentException("Retry-After is at least one whole second, got [" + retryAfter + "]");
        }
        exemptPaths = List.copyOf(exemptPaths);
    }

    public static PressureSettings defaults() {
        return new PressureSettings(PsiTrigger.parse("some 150000 2000000"), 0.90, 0.75, Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ofSeconds(1), List.of("/healthz", "/readyz"));
    }

    /** {@code 90%} → 0.9; 1% to 100%, in whole or decimal percent. */
    public static double parsePercent(String value) {
        if (!value.matches("[0-9]+(\\.[0-9]+)?%")) {
            throw new IllegalArgumentException("expected a percentage such as 90%");
        }
        double p = Double.parseDouble(value.substring(0, value.length() - 1)) / 100;
        if (p <= 0 || p > 1) {
            throw new IllegalArgumentException("expected more than 0% and at most 100%");
        }
        return p;
    }

    /** Space-separated absolute request paths, e.g. {@code /healthz /readyz}. */
    public static List<String> parsePaths(String value) {
        List<String> paths = Arrays.stream(value.trim().split("\\s+")).toList();
        for (String p : paths) {
            if (!p.startsWith("/") || p.contains("?")) {
                throw new IllegalArgumentException("expected absolute request paths without query, got [" + p + "]");
            }
        }
        return paths;
    }
}
