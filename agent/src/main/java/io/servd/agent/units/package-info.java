/**
 * Units as systemd lays them out in the cgroup v2 tree, and their limits and counters read from
 * cgroupfs. See the kernel's
 * <a href="https://docs.kernel.org/admin-guide/cgroup-v2.html">cgroup v2 documentation</a>.
 */
package io.servd.agent.units;
