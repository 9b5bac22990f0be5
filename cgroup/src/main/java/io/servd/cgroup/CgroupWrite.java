package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupFile;

import java.util.Objects;

/**
 * One planned write to a cgroup interface file: pure data, produced by planning
 * ({@code io.servd.cgroup.unit.CgroupSettings#plannedWrites}) and carried out only by {@link CgroupWriter}.
 *
 * @param file    the interface file
 * @param content the exact text to write, without a trailing newline, e.g. {@code "20000 100000"}; empty only
 *                for {@code cpuset.cpus}/{@code cpuset.mems}, where it lifts the restriction
 */
public record CgroupWrite(CgroupFile file, String content) {

    public CgroupWrite {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(content, "content");
        boolean emptyAllowed = file == CgroupFile.CPUSET_CPUS || file == CgroupFile.CPUSET_MEMS;
        if (content.isEmpty() && !emptyAllowed || content.contains("\n")) {
            throw new IllegalArgumentException("cgroup write must be one non-empty line [" + content + "] for [" + file + "]");
        }
    }

    /** The golden-file form: {@code file=content}. */
    @Override
    public String toString() {
        return file.fileName() + "=" + content;
    }
}
