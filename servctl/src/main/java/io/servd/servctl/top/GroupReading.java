package io.servd.servctl.top;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupSample;
import io.servd.cgroup.CpuMax;
import io.servd.cgroup.MemoryMax;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one refresh read for one cgroup path, from every hierarchy that has it. Absent fields mean the
 * file or hierarchy is not there.
 *
 * @param group      the cgroup path, e.g. {@code /system.slice/foo.service}
 * @param nanoTime   when the reading started, monotonic
 * @param v2         the cgroup2 sample ({@code cpu.stat}, {@code memory.current}, {@code pids.current},
 *                   {@code io.stat}, PSI), when the path exists on cgroup2
 * @param v1Cpu      {@code cpuacct.usage} (v1), cumulative CPU time
 * @param v1Memory   {@code memory.usage_in_bytes} (v1)
 * @param v1Tasks    {@code pids.current} (v1)
 * @param memoryMax  {@code memory.max} (v1 {@code memory.limit_in_bytes})
 * @param cpuMax     {@code cpu.max} (v1 {@code cpu.cfs_quota_us}/{@code cpu.cfs_period_us})
 * @param oomKills   {@code memory.events} {@code oom_kill}, cumulative (v2 only)
 */
public record GroupReading(String group, long nanoTime, Optional<CgroupSample> v2, Optional<Duration> v1Cpu,
                           Optional<ByteSize> v1Memory, Optional<Long> v1Tasks, Optional<MemoryMax> memoryMax,
                           Optional<CpuMax> cpuMax, OptionalLong oomKills) {

    public GroupReading {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(v2, "v2");
        Objects.requireNonNull(v1Cpu, "v1Cpu");
        Objects.requireNonNull(v1Memory, "v1Memory");
        Objects.requireNonNull(v1Tasks, "v1Tasks");
        Objects.requireNonNull(memoryMax, "memoryMax");
        Objects.requireNonNull(cpuMax, "cpuMax");
        Objects.requireNonNull(oomKills, "oomKills");
    }

    /** The path's depth: 0 for {@code /}, 1 for {@code /system.slice}. */
    public int depth() {
        return group.equals("/") ? 0 : (int) group.chars().filter(c -> c == '/').count();
    }
}
