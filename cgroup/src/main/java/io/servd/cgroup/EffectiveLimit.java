package io.servd.cgroup;

import java.util.Objects;

/**
 * A limit that applies to a cgroup, and the cgroup whose file set it.
 *
 * @param value  the strictest value along the ancestors; it may itself be unlimited
 * @param cgroup the cgroup path (as {@code /proc/<pid>/cgroup} prints it) whose file holds {@code value};
 *               for an unlimited value the deepest cgroup that has the file
 */
public record EffectiveLimit<T>(T value, String cgroup) {

    public EffectiveLimit {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(cgroup, "cgroup");
    }
}
