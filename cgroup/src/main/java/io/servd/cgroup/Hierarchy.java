package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;

import java.util.Objects;
import java.util.Optional;

/**
 * Where one process's cgroup of one hierarchy lives on disk.
 *
 * @param version   v1 or v2 file formats
 * @param dir       the process's cgroup directory below the hierarchy's mount point
 * @param mountRoot the mount's root within the hierarchy (mountinfo field 4): {@code "/"} normally,
 *                  {@code "/docker/<id>"} for a container's bind mount
 */
record Hierarchy(CgroupVersion version, CgroupDir dir, String mountRoot) {

    Hierarchy {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(mountRoot, "mountRoot");
    }

    /** The cgroup path of {@code d} as {@code /proc/<pid>/cgroup} would print it. */
    String cgroupPath(CgroupDir d) {
        if (mountRoot.equals("/")) {
            return d.group();
        }
        return d.isRoot() ? mountRoot : mountRoot + d.group();
    }

    /**
     * The path of {@code procPath} below a mount whose root is {@code mountRoot}; empty when the cgroup
     * is not inside that mount (e.g. a namespaced mount root such as {@code /../..}).
     */
    static Optional<String> relativeTo(String mountRoot, String procPath) {
        if (mountRoot.equals("/")) {
            return Optional.of(procPath);
        }
        if (procPath.equals(mountRoot)) {
            return Optional.of("/");
        }
        if (procPath.startsWith(mountRoot + "/")) {
            return Optional.of(procPath.substring(mountRoot.length()));
        }
        return Optional.empty();
    }
}
