/**
 * The servd agent's API (DESIGN §3, agent/API.md): every unit's cgroup usage against its limits,
 * Prometheus metrics, and changing limits with access control. {@link io.servd.agent.api.AgentApi}
 * registers the routes; {@link io.servd.agent.api.AgentSetup} builds the production context. See
 * <a href="https://www.freedesktop.org/software/systemd/man/systemd.resource-control.html">systemd.resource-control(5)</a>.
 */
package io.servd.agent.api;
