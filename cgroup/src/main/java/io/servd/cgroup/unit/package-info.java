/**
 * systemd's side: resource-control directives ({@code MemoryMax=}, {@code CPUQuota=},
 * {@code CPUQuotaPeriodSec=}, {@code CPUWeight=}, {@code TasksMax=}) parsed and formatted with
 * systemd's own arithmetic, the cgroup writes they turn into, the drop-ins {@code systemctl
 * set-property} writes for them, and a unit-file lexer that reports problems as diagnostics with
 * {@code file:line}. Host-dependent values (physical memory, the kernel's task limit) come in as
 * {@link io.servd.cgroup.unit.HostResources}. Malformed directive values raise
 * {@link io.servd.cgroup.unit.InvalidDirectiveException}, and nothing else.
 *
 * @see <a href="https://www.freedesktop.org/software/systemd/man/latest/systemd.resource-control.html">systemd.resource-control(5)</a>
 * @see <a href="https://www.freedesktop.org/software/systemd/man/latest/systemd.syntax.html">systemd.syntax(7)</a>
 */
package io.servd.cgroup.unit;
