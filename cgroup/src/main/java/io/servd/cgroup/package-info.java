/**
 * Typed cgroup values and the read API: discover a process's cgroup ({@link io.servd.cgroup.Cgroups}),
 * read its limits ({@link io.servd.cgroup.CpuMax}, {@link io.servd.cgroup.MemoryMax}) and the
 * effective limit along its ancestors ({@link io.servd.cgroup.EffectiveLimits}). No sentinels:
 * <em>unlimited</em> is {@link io.servd.cgroup.Limit.Unlimited} (the kernel's {@code max}),
 * <em>absent</em> (controller not enabled, file missing) is an empty {@link java.util.Optional},
 * and <em>broken</em> (unparseable) is a {@link io.servd.cgroup.MalformedCgroupFileException}
 * naming the file and its raw content. cgroup v1 and hybrid hosts are read into the same model.
 *
 * @see <a href="https://docs.kernel.org/admin-guide/cgroup-v2.html">Control Group v2 (kernel documentation)</a>
 * @see <a href="https://www.freedesktop.org/software/systemd/man/latest/systemd.resource-control.html">systemd.resource-control(5)</a>
 */
package io.servd.cgroup;
