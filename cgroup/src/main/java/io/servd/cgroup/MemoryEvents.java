package io.servd.cgroup;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Memory event counters of a cgroup and its descendants ({@code memory.events}), cumulative.
 *
 * @param low          times usage fell below {@code memory.low} protection under pressure
 * @param high         times usage exceeded {@code memory.high} and was throttled
 * @param max          times usage was about to exceed {@code memory.max}
 * @param oom          times the cgroup hit its limit and allocation failed (OOM)
 * @param oomKill      processes killed by the OOM killer ({@code oom_kill})
 * @param oomGroupKill group kills ({@code oom_group_kill}); empty on kernels before 5.17
 */
public record MemoryEvents(long low, long high, long max, long oom, long oomKill, OptionalLong oomGroupKill) {

    /**
     * Parses {@code memory.events}.
     *
     * @throws MalformedCgroupFileException when malformed or a counter every kernel writes is missing
     */
    public static MemoryEvents parseCgroup(String raw, Path file) throws MalformedCgroupFileException {
        FlatKeyed kv = FlatKeyed.parse(raw, file);
        return new MemoryEvents(kv.required("low"), kv.required("high"), kv.required("max"), kv.required("oom"),
                kv.required("oom_kill"), kv.optional("oom_group_kill"));
    }
}
