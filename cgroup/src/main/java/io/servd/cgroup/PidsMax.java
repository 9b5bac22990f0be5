package io.servd.cgroup;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The task limit of a cgroup ({@code pids.max}): processes plus threads.
 *
 * @param limit number of tasks, or {@link Limit.Unlimited} for {@code max}
 */
public record PidsMax(Limit<Long> limit) {

    public PidsMax {
        Objects.requireNonNull(limit, "limit");
        if (limit instanceof Limit.AtMost<Long> atMost && atMost.value() < 0) {
            throw new IllegalArgumentException("negative task limit [" + atMost.value() + "]");
        }
    }

    /**
     * Parses {@code pids.max}: {@code "max"} or a decimal count.
     *
     * @throws MalformedCgroupFileException naming {@code raw} and {@code file} otherwise
     */
    public static PidsMax parseCgroup(String raw, Path file) throws MalformedCgroupFileException {
        String value = raw.strip();
        if (value.equals("max")) {
            return new PidsMax(Limit.unlimited());
        }
        return new PidsMax(Limit.atMost(ByteSize.parseCount(value, raw, file)));
    }

    /** Formats as {@code pids.max} expects it. */
    public String formatCgroup() {
        return limit instanceof Limit.AtMost<Long> atMost ? Long.toString(atMost.value()) : "max";
    }
}
