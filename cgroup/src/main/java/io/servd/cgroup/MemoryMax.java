package io.servd.cgroup;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The hard memory limit of a cgroup ({@code memory.max}; v1 {@code memory.limit_in_bytes}); the
 * OOM killer runs when usage cannot be reclaimed below it.
 *
 * @param limit bytes, or {@link Limit.Unlimited} for {@code max}
 */
public record MemoryMax(Limit<ByteSize> limit) {

    public MemoryMax {
        Objects.requireNonNull(limit, "limit");
    }

    public static MemoryMax unlimited() {
        return new MemoryMax(Limit.unlimited());
    }

    public static MemoryMax of(ByteSize bytes) {
        return new MemoryMax(Limit.atMost(bytes));
    }

    /**
     * Parses cgroup v2 {@code memory.max}: {@code "max"} or a decimal number of bytes.
     *
     * @throws MalformedCgroupFileException naming {@code raw} and {@code file} otherwise
     */
    public static MemoryMax parseCgroup(String raw, Path file) throws MalformedCgroupFileException {
        return new MemoryMax(ByteSize.parseCgroupLimit(raw, file));
    }

    /** Formats as {@code memory.max} expects it: {@code "max"} or decimal bytes. */
    public String formatCgroup() {
        return ByteSize.formatCgroupLimit(limit);
    }

    /** The limit in bytes, empty when unlimited. */
    public Optional<ByteSize> bytes() {
        return limit instanceof Limit.AtMost<ByteSize> atMost ? Optional.of(atMost.value()) : Optional.empty();
    }
}
