package io.servd.cgroup.fs;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Root of a cgroup file system tree: {@code /sys/fs/cgroup} in production, a fixture copy in tests.
 *
 * <p>On a unified host this is the cgroup2 mount itself. On hybrid and legacy hosts it is the tmpfs
 * that holds one mount per hierarchy ({@code memory/}, {@code cpu/}, {@code unified/}); discovery maps
 * every mount point under {@link #SYSTEM_MOUNT_POINT} onto this root, so a test can relocate the whole
 * tree by passing a different directory.
 *
 * @param mountPoint directory of the hierarchy root (or of the tmpfs holding the hierarchies)
 */
public record CgroupRoot(Path mountPoint) {

    /** Where systemd mounts the cgroup file systems. */
    public static final Path SYSTEM_MOUNT_POINT = Path.of("/sys/fs/cgroup");

    public CgroupRoot {
        Objects.requireNonNull(mountPoint, "mountPoint");
    }

    /** The production root, {@code /sys/fs/cgroup}. */
    public static CgroupRoot system() {
        return new CgroupRoot(SYSTEM_MOUNT_POINT);
    }

    /**
     * The cgroup {@code group} below this root.
     *
     * @param group absolute cgroup path relative to this root, e.g. {@code "/system.slice/x.service"}; {@code "/"} is the root
     * @throws IllegalArgumentException if {@code group} is relative or contains {@code "."} or {@code ".."} segments
     */
    public CgroupDir resolve(String group) {
        return new CgroupDir(this, group);
    }

    /**
     * Moves a mount point read from mountinfo onto this root: {@code /sys/fs/cgroup/memory} becomes
     * {@code <mountPoint>/memory}. Mount points outside {@code /sys/fs/cgroup} are returned unchanged.
     */
    public Path relocate(Path mountInfoMountPoint) {
        if (mountInfoMountPoint.startsWith(SYSTEM_MOUNT_POINT)) {
            return mountPoint.resolve(SYSTEM_MOUNT_POINT.relativize(mountInfoMountPoint).toString());
        }
        return mountInfoMountPoint;
    }
}
