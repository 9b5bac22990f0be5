/**
 * Where cgroup and proc files live: {@link io.servd.cgroup.fs.ProcFs} for {@code /proc},
 * {@link io.servd.cgroup.fs.CgroupRoot} for a cgroup mount, {@link io.servd.cgroup.fs.CgroupDir} for one
 * cgroup directory and {@link io.servd.cgroup.fs.CgroupFile} for the kernel's file names. The roots are
 * the test seam: production uses {@code /proc} and {@code /sys/fs/cgroup}, tests a fixture tree. This
 * package only locates and reads raw text; parsing lives in {@code io.servd.cgroup}.
 *
 * @see <a href="https://docs.kernel.org/admin-guide/cgroup-v2.html">Control Group v2 (kernel documentation)</a>
 * @see <a href="https://man7.org/linux/man-pages/man7/cgroups.7.html">cgroups(7)</a>
 */
package io.servd.cgroup.fs;
