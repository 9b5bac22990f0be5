package io.servd.agent.api;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.servd.cgroup.unit.HostResources;
import io.servd.agent.access.WriteAccess;
import io.servd.agent.limits.LimitsApplier;
import io.servd.agent.units.UnitTree;
import java.util.Objects;
import java.util.Optional;

/**
 * What the agent's routes need, built once at start-up ({@link AgentSetup#system}) or by a test.
 *
 * @param units     the cgroup tree the units are read from
 * @param selfGroup servd's own cgroup path in that tree, e.g. {@code /system.slice/servd.service};
 *                  empty when discovery failed ({@code /v1/self} answers 503)
 * @param layout    {@code unified}, {@code hybrid} or {@code legacy}, as discovered
 * @param applier   how limits are applied; empty when no way works on this host (PUT answers 503)
 * @param host      the base of percentages; empty when it could not be read
 * @param access    who may write
 * @param registry  the metrics registry {@code /metrics} scrapes
 */
public record AgentContext(UnitTree units, Optional<String> selfGroup, String layout, Optional<LimitsApplier> applier,
                           Optional<HostResources> host, WriteAccess access, PrometheusRegistry registry) {
    public AgentContext {
        Objects.requireNonNull(units, "units");
        Objects.requireNonNull(selfGroup, "selfGroup");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(applier, "applier");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(registry, "registry");
    }
}
