package io.servd.daemon.limits;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.EffectiveLimit;
import io.servd.cgroup.MemoryHigh;
import io.servd.cgroup.MemoryMax;

import java.util.Objects;
import java.util.Optional;

/**
 * The memory limits that bind this process.
 *
 * @param max  the strictest {@code memory.max} (v1 {@code memory.limit_in_bytes}) of the cgroup and its
 *             ancestors and where it is set; empty without the memory controller; may be unlimited
 * @param high the strictest {@code memory.high} likewise (v2 only); empty on v1 or without the controller
 */
public record MemoryLimits(Optional<EffectiveLimit<MemoryMax>> max, Optional<EffectiveLimit<MemoryHigh>> high) {

    public MemoryLimits {
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(high, "high");
    }

    /** No memory limit known. */
    public static MemoryLimits none() {
        return new MemoryLimits(Optional.empty(), Optional.empty());
    }

    /** The hard limit in bytes; empty when unlimited or no memory controller is present. */
    public Optional<ByteSize> maxBytes() {
        return max.flatMap(m -> m.value().bytes());
    }

    /** The throttling limit in bytes; empty when unlimited or absent. */
    public Optional<ByteSize> highBytes() {
        return high.flatMap(h -> h.value().bytes());
    }

    /** One line for the log: {@code max [64.0 MiB from /x.service] high [unlimited]}. */
    public String describe() {
        return "max [" + max.map(m -> m.value().bytes().map(b -> b.humanReadable() + " from " + m.cgroup())
                .orElse("unlimited")).orElse("no controller") + "] high ["
                + high.map(h -> h.value().bytes().map(b -> b.humanReadable() + " from " + h.cgroup())
                .orElse("unlimited")).orElse("absent") + "]";
    }
}
