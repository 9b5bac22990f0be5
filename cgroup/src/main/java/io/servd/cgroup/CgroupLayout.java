package io.servd.cgroup;

/** How the cgroup hierarchies are mounted, as systemd calls the three modes. */
public enum CgroupLayout {
    /** Only cgroup v2: one hierarchy with every controller (systemd's default since v247, Debian 11+). */
    UNIFIED,
    /** Controllers on cgroup v1 hierarchies, plus a controller-less v2 hierarchy at {@code /sys/fs/cgroup/unified}. */
    HYBRID,
    /** Only cgroup v1 hierarchies, one per controller (or co-mounted group of controllers). */
    LEGACY
}
