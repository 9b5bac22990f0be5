package io.servd.cgroup;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Hard memory protection ({@code memory.min}): memory below it is never reclaimed. {@code 0} means no protection.
 *
 * @param limit bytes, or {@link Limit.Unlimited} for {@code max}
 */
public record MemoryMin(Limit<ByteSize> limit) {

    public MemoryMin {
        Objects.requireNonNull(limit, "limit");
    }

    /**
     * Parses cgroup v2 {@code memory.min}: {@code "max"} or a decimal number of bytes.
     *
     * @throws MalformedCgroupFileException naming {@code raw} and {@code file} otherwise
     */
    public static MemoryMin parseCgroup(String raw, Path file) throws MalformedCgroupFileException {
        return new MemoryMin(ByteSize.parseCgroupLimit(raw, file));
    }

    /** Formats as {@code memory.min} expects it: {@code "max"} or decimal bytes. */
    public String formatCgroup() {
        return ByteSize.formatCgroupLimit(limit);
    }

    /** The limit in bytes, empty when unlimited. */
    public Optional<ByteSize> bytes() {
        return limit instanceof Limit.AtMost<ByteSize> atMost ? Optional.of(atMost.value()) : Optional.empty();
    }
}
