package io.servd.cgroup;

import java.util.Locale;

/**
 * How the cgroup hierarchies are mounted, as systemd calls the three modes. Detected once, by
 * {@link Cgroups#self()} for a process or {@link CgroupMounts#detect} for a mount tree.
 */
public enum CgroupLayout {
    /** Only cgroup v2: one hierarchy with every controller (systemd's default since v247, Debian 11+). */
    UNIFIED,
    /** Controllers on cgroup v1 hierarchies, plus a controller-less v2 hierarchy at {@code /sys/fs/cgroup/unified}. */
    HYBRID,
    /** Only cgroup v1 hierarchies, one per controller (or co-mounted group of controllers). */
    LEGACY;

    /** The lower-case name the agent's JSON and {@code servctl top} print: {@code unified}, {@code hybrid}, {@code legacy}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
