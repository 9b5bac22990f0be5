package io.servd.cgroup;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Best-effort memory protection ({@code memory.low}): memory below it is reclaimed only when unprotected memory is exhausted. {@code 0} means no protection.
 *
 * @param limit bytes, or {@link Limit.Unlimited} for {@code max}
 */
public record MemoryLow(Limit<ByteSize> limit) {

    public MemoryLow {
        Objects.requireNonNull(limit, "limit");
    }

    /**
     * Parses cgroup v2 {@code memory.low}: {@code "max"} or a decimal number of bytes.
     *
     * @throws MalformedCgroupFileException naming {@code raw} and {@code file} otherwise
     */
    public static MemoryLow parseCgroup(String raw, Path file) throws MalformedCgroupFileException {
        return new MemoryLow(ByteSize.parseCgroupLimit(raw, file));
    }

    /** Formats as {@code memory.low} expects it: {@code "max"} or decimal bytes. */
    public String formatCgroup() {
        return ByteSize.formatCgroupLimit(limit);
    }

    /** The limit in bytes, empty when unlimited. */
    public Optional<ByteSize> bytes() {
        return limit instanceof Limit.AtMost<ByteSize> atMost ? Optional.of(atMost.value()) : Optional.empty();
    }
}
