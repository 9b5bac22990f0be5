/**
 * The servd agent's API (DESIGN §3, daemon/API.md): every unit's cgroup usage against its limits,
 * Prometheus metrics, and changing limits with access control. {@link io.servd.daemon.agent.AgentApi}
 * registers the routes; {@link io.servd.daemon.agent.AgentSetup} builds the production context. See
 * <a href="https://www.freedesktop.org/software/systemd/man/systemd.resource-control.html">systemd.resource-control(5)</a>.
 */
package io.servd.daemon.agent;
