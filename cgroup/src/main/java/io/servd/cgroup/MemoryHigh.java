package io.servd.cgroup;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The throttling limit of a cgroup ({@code memory.high}): above it the kernel reclaims aggressively and slows allocations, but never OOM-kills.
 *
 * @param limit bytes, or {@link Limit.Unlimited} for {@code max}
 */
public record MemoryHigh(Limit<ByteSize> limit) {

    public MemoryHigh {
        Objects.requireNonNull(limit, "limit");
    }

    /**
     * Parses cgroup v2 {@code memory.high}: {@code "max"} or a decimal number of bytes.
     *
     * @throws MalformedCgroupFileException naming {@code raw} and {@code file} otherwise
     */
    public static MemoryHigh parseCgroup(String raw, Path file) throws MalformedCgroupFileException {
        return new MemoryHigh(ByteSize.parseCgroupLimit(raw, file));
    }

    /** Formats as {@code memory.high} expects it: {@code "max"} or decimal bytes. */
    public String formatCgroup() {
        return ByteSize.formatCgroupLimit(limit);
    }

    /** The limit in bytes, empty when unlimited. */
    public Optional<ByteSize> bytes() {
        return limit instanceof Limit.AtMost<ByteSize> atMost ? Optional.of(atMost.value()) : Optional.empty();
    }
}
