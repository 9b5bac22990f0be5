/**
 * {@code servctl top}: a systemd-cgtop that also shows limits (TasksMax, MemoryHigh, MemoryMax and % used,
 * CPUQuota and throttled %), PSI some avg10 and OOM kills, read directly from cgroupfs with the cgroup library
 * ({@link io.servd.cgroup.CgroupReader}, {@link io.servd.cgroup.CgroupUsage}) on unified, hybrid and legacy
 * layouts, read-only. Columns follow
 * <a href="https://www.freedesktop.org/software/systemd/man/latest/systemd-cgtop.html">systemd-cgtop(1)</a>;
 * the files are those of the kernel's cgroup-v2 documentation.
 */
package io.servd.servctl.top;
