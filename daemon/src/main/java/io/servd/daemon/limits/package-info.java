/**
 * Living within the limits: {@link io.servd.daemon.limits.LimitWatcher} follows the effective CPU
 * and memory limits of the process's cgroup and its ancestors and the cgroup's pressure, and
 * {@link io.servd.daemon.limits.LoopResizer} keeps the event loops sized for the CPU limit as it
 * changes ({@code systemctl set-property CPUQuota=}, {@code AllowedCPUs=}, a slice's limits). cgroup v2
 * notifies {@code memory.events} through inotify; {@code cpu.max}, {@code cpuset.cpus.effective},
 * {@code memory.max}, {@code memory.high} and the PSI files change silently and are polled, a
 * handful of small reads a second on one thread.
 *
 * @see <a href="https://docs.kernel.org/admin-guide/cgroup-v2.html">Control Group v2</a>
 * @see <a href="https://www.freedesktop.org/software/systemd/man/latest/systemd.resource-control.html">systemd.resource-control(5)</a>
 */
package io.servd.daemon.limits;
