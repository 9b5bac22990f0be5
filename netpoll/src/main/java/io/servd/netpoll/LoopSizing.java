package io.servd.netpoll;

import java.util.Locale;
import java.util.Objects;

/**
 * How many event-loop threads an effective CPU limit yields.
 *
 * <p>The effective CPU count is the caller's: the smallest of the cgroup quota ({@code cpu.max}
 * quota / period, e.g. {@code 1.5} for {@code CPUQuota=150%}), the cpuset and the host's CPUs. It is
 * fractional, so a rounding rule decides:
 * <ul>
 *   <li>{@link Rounding#FLOOR} (default, like uber-go/automaxprocs, as issue 15 asks): 1.5 CPUs → 1
 *       loop. Never more runnable loops than whole CPUs of quota, which avoids CFS throttling within
 *       a period when every loop is busy at once: a throttled loop stalls all of its connections
 *       for the rest of the period (up to 100 ms), so an idle half CPU is cheaper than a throttled
 *       tail. The cpuset caps the count too, as it is part of the effective count.</li>
 *   <li>{@link Rounding#CEIL} (like the JDK's {@code availableProcessors()} and Go 1.25's
 *       GOMAXPROCS): 1.5 CPUs → 2 loops. Event loops block only in {@code epoll_wait}, so an idle
 *       loop costs nothing and one loop can never use more than 1 of 1.5 CPUs; for throughput-bound
 *       services that would rather use the whole quota.</li>
 * </ul>
 * The result is never below {@code minimum} (so a 0.2-CPU quota still gets one loop).
 *
 * @param rounding  rule applied to a fractional CPU count
 * @param minimum   least number of worker loops, at least 1
 * @param acceptors dedicated accept threads; 0 (default) accepts on one of the worker loops, which on
 *                  a quota of one or two CPUs saves a thread and a context switch per connection
 */
public record LoopSizing(Rounding rounding, int minimum, int acceptors) {
    /** Rule applied to a fractional CPU count. */
    public enum Rounding {
        CEIL, FLOOR;

        /**
         * Parses {@code ceil} or {@code floor}, case-insensitively.
         *
         * @throws IllegalArgumentException naming the value
         */
        public static Rounding parse(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "ceil" -> CEIL;
                case "floor" -> FLOOR;
                default -> throw new IllegalArgumentException("unknown rounding [" + value + "], expected [ceil|floor]");
            };
        }
    }

    public LoopSizing {
        Objects.requireNonNull(rounding, "rounding");
        if (minimum < 1) {
            throw new IllegalArgumentException("minimum event loops must be at least 1, got [" + minimum + "]");
        }
        if (acceptors < 0) {
            throw new IllegalArgumentException("negative acceptor count [" + acceptors + "]");
        }
    }

    /** Floor, at least one loop, no dedicated acceptor. */
    public static LoopSizing defaults() {
        return new LoopSizing(Rounding.FLOOR, 1, 0);
    }

    /**
     * Worker event loops for an effective CPU count.
     *
     * @param effectiveCpus CPUs available to this process (fractional for a cgroup quota), {@code > 0}
     * @throws IllegalArgumentException if the count is not a positive finite number (named)
     */
    public int workers(double effectiveCpus) {
        if (!(effectiveCpus > 0) || Double.isInfinite(effectiveCpus)) {
            throw new IllegalArgumentException("effective cpu count must be positive and finite, got [" + effectiveCpus + "]");
        }
        // a quota like 1.0000001 (cpu.max rounding) must not become 2 loops under ceil, nor 0.9999999 none under floor
        double cpus = Math.round(effectiveCpus * 1000) / 1000.0;
        double rounded = rounding == Rounding.CEIL ? Math.ceil(cpus) : Math.floor(cpus);
        return (int) Math.max(minimum, Math.min(rounded, Integer.MAX_VALUE));
    }
}
