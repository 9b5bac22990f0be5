package io.servd.cgroup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * CPU usage of a cgroup ({@code cpu.stat}), cumulative since the cgroup was created.
 *
 * @param usage      total CPU time consumed ({@code usage_usec}), all CPUs summed
 * @param user       user-mode CPU time ({@code user_usec})
 * @param system     kernel-mode CPU time ({@code system_usec})
 * @param throttling bandwidth-control counters; empty when the cpu controller is not enabled for
 *                   the cgroup (the kernel then writes only the three usage keys)
 */
public record CpuStat(Duration usage, Duration user, Duration system, Optional<Throttling> throttling) {

    public CpuStat {
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(throttling, "throttling");
    }

    /**
     * CFS bandwidth counters.
     *
     * @param periods          enforcement periods that elapsed with runnable tasks ({@code nr_periods})
     * @param throttledPeriods periods in which the cgroup hit its quota ({@code nr_throttled})
     * @param throttledTime    total time tasks were throttled ({@code throttled_usec})
     */
    public record Throttling(long periods, long throttledPeriods, Duration throttledTime) {
        public Throttling {
            Objects.requireNonNull(throttledTime, "throttledTime");
        }
    }

    /**
     * Parses cgroup v2 {@code cpu.stat} ("flat keyed", values in microseconds).
     *
     * @throws MalformedCgroupFileException when a line is malformed or a usage key is missing
     */
    public static CpuStat parseCgroup(String raw, Path file) throws MalformedCgroupFileException {
        FlatKeyed kv = FlatKeyed.parse(raw, file);
        Optional<Throttling> throttling = Optional.empty();
        if (kv.optional("nr_periods").isPresent()) {
            throttling = Optional.of(new Throttling(kv.required("nr_periods"), kv.required("nr_throttled"),
                    micros(kv.required("throttled_usec"))));
        }
        return new CpuStat(micros(kv.required("usage_usec")), micros(kv.required("user_usec")),
                micros(kv.required("system_usec")), throttling);
    }

    private static Duration micros(long us) {
        return Duration.ofSeconds(us / 1_000_000L, (us % 1_000_000L) * 1000L);
    }
}
