package io.servd.cgroup;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The swap limit of a cgroup ({@code memory.swap.max}).
 *
 * @param limit bytes, or {@link Limit.Unlimited} for {@code max}
 */
public record MemorySwapMax(Limit<ByteSize> limit) {

    public MemorySwapMax {
        Objects.requireNonNull(limit, "limit");
    }

    /**
     * Parses cgroup v2 {@code memory.swap.max}: {@code "max"} or a decimal number of bytes.
     *
     * @throws MalformedCgroupFileException naming {@code raw} and {@code file} otherwise
     */
    public static MemorySwapMax parseCgroup(String raw, Path file) throws MalformedCgroupFileException {
        return new MemorySwapMax(ByteSize.parseCgroupLimit(raw, file));
    }

    /** Formats as {@code memory.swap.max} expects it: {@code "max"} or decimal bytes. */
    public String formatCgroup() {
        return ByteSize.formatCgroupLimit(limit);
    }

    /** The limit in bytes, empty when unlimited. */
    public Optional<ByteSize> bytes() {
        return limit instanceof Limit.AtMost<ByteSize> atMost ? Optional.of(atMost.value()) : Optional.empty();
    }
}
