package io.servd.daemon.limits;

import io.servd.cgroup.CpuMax;
import io.servd.cgroup.CpusetCpus;
import io.servd.cgroup.EffectiveLimit;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;
import java.util.Optional;

/**
 * The CPU limits that bind this process.
 *
 * <p>Rounding rule for thread counts (uber-go/automaxprocs, issue 15): a service sizes its event
 * loops and CPU-bound pools for {@code floor(quota / period)} CPUs, at least 1 and at most the
 * cpuset's count; {@link #effectiveCpus()} is the fractional input and
 * {@link io.servd.netpoll.LoopSizing} with {@code Rounding.FLOOR} (its default) applies the floor and
 * the minimum. 0.5 CPUs → 1 loop, 1.5 → 1, 2 → 2; quota unlimited with {@code AllowedCPUs=0-1} → 2.
 *
 * @param quota    the strictest {@code cpu.max} of the cgroup and its ancestors and where it is set;
 *                 empty when no level has the file (cpu controller not enabled); may be unlimited
 * @param cpuset   {@code cpuset.cpus.effective} of the deepest level that has it; empty on v1 or
 *                 without the cpuset controller on the unified hierarchy
 * @param hostCpus the CPUs online on the host ({@code /sys/devices/system/cpu/online}), at least 1
 */
public record CpuLimits(Optional<EffectiveLimit<CpuMax>> quota, Optional<EffectiveLimit<CpusetCpus>> cpuset,
                        int hostCpus) {

    public CpuLimits {
        Objects.requireNonNull(quota, "quota");
        Objects.requireNonNull(cpuset, "cpuset");
        if (hostCpus < 1) {
            throw new IllegalArgumentException("hostCpus must be positive [" + hostCpus + "]");
        }
    }

    /** No cgroup limit known: the host's CPUs. */
    public static CpuLimits host(int hostCpus) {
        return new CpuLimits(Optional.empty(), Optional.empty(), hostCpus);
    }

    /**
     * The CPUs this process may use, fractional: the smallest of the quota in CPUs
     * ({@code quota / period}), the cpuset's count (an empty cpuset counts as no cap) and the host's count.
     * Always {@code > 0}.
     */
    public double effectiveCpus() {
        double cpus = hostCpus;
        if (cpuset.isPresent() && cpuset.get().value().count() > 0) {
            cpus = Math.min(cpus, cpuset.get().value().count());
        }
        if (quota.isPresent() && quota.get().value().cpus().isPresent()) {
            cpus = Math.min(cpus, quota.get().value().cpus().getAsDouble());
        }
        return cpus;
    }

    /**
     * One line for the log: {@code 0.5 cpus (quota 50000/100000 from /system.slice/x.service, cpuset 0-1, host 2)}.
     */
    public String describe() {
        String quotaPart = quota.map(q -> q.value().cpus().isPresent()
                ? "quota " + q.value().formatCgroup().replace(' ', '/') + " from " + q.cgroup()
                : "no quota").orElse("no cpu controller");
        String cpusetPart = cpuset.map(c -> ", cpuset " + c.value().formatCgroup()).orElse("");
        return formatCpus(effectiveCpus()) + " (" + quotaPart + cpusetPart + ", host " + hostCpus + ")";
    }

    static String formatCpus(double cpus) {
        String n = BigDecimal.valueOf(cpus).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        return n + (n.equals("1") ? " cpu" : " cpus");
    }
}
