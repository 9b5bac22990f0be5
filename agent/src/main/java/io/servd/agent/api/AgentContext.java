package io.servd.agent.api;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.servd.cgroup.CgroupLayout;
import io.servd.cgroup.unit.HostResources;
import io.servd.daemon.limits.RuntimeSizing;
import io.servd.daemon.pressure.ShedStatus;
import io.servd.agent.access.WriteAccess;
import io.servd.agent.events.EventLog;
import io.servd.agent.limits.LimitsApplier;
import io.servd.agent.units.UnitStates;
import io.servd.agent.units.UnitTree;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * What the agent's routes need, built once at start-up ({@link AgentSetup#system}) or by a test.
 *
 * @param units     the cgroup tree the units are read from
 * @param self      servd's own cgroup and the host's layout, as discovered at start-up; empty when
 *                  discovery failed ({@code /v1/self} answers 503)
 * @param applier   how limits are applied; empty when no way works on this host (PUT answers 503)
 * @param host      the base of percentages; empty when it could not be read
 * @param access    who may write
 * @param registry  the metrics registry {@code /metrics} scrapes
 * @param limitsExecutor where applies run (D-Bus calls, cgroupfs and drop-in writes), never an event
 *                  loop: {@link AgentSetup#limitsExecutor()} in production; it may refuse work
 *                  ({@code RejectedExecutionException}) when busy
 * @param readExecutor where the cgroupfs reads of {@code GET} routes run ({@code /v1/units}, {@code /metrics},
 *                  coalesced: {@link io.servd.agent.http.Coalescer}), never an event loop:
 *                  {@link AgentSetup#readExecutor()} in production; it may refuse work when busy (503)
 * @param sizing    what servd's event loops are sized for now, read from memory on each call (never
 *                  from disk); empty when unknown ({@code /v1/self} then has no {@code runtime} object)
 * @param shedding  the load shedder's state now, a read of memory on each call; empty when servd
 *                  sheds nothing ({@code runtime} then has no {@code shedding})
 * @param states    every loaded unit's state from systemd, read from memory (never blocks); unavailable
 *                  without systemd on the system bus (units then have no state fields)
 * @param events    the event log: {@code GET /v1/events} reads it, applies publish {@code limits-changed} to it
 */
public record AgentContext(UnitTree units, Optional<Self> self, Optional<LimitsApplier> applier,
                           Optional<HostResources> host, WriteAccess access, PrometheusRegistry registry,
                           Executor limitsExecutor, Executor readExecutor, Supplier<Optional<RuntimeSizing>> sizing,
                           Supplier<Optional<ShedStatus>> shedding, UnitStates states, EventLog events) {
    public AgentContext {
        Objects.requireNonNull(units, "units");
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(applier, "applier");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(limitsExecutor, "limitsExecutor");
        Objects.requireNonNull(readExecutor, "readExecutor");
        Objects.requireNonNull(sizing, "sizing");
        Objects.requireNonNull(shedding, "shedding");
        Objects.requireNonNull(states, "states");
        Objects.requireNonNull(events, "events");
    }

    /** A context with unit states and an event log of its own (tests of the state side). */
    public AgentContext(UnitTree units, Optional<Self> self, Optional<LimitsApplier> applier,
                        Optional<HostResources> host, WriteAccess access, PrometheusRegistry registry,
                        Executor limitsExecutor, Executor readExecutor, Supplier<Optional<RuntimeSizing>> sizing,
                        Supplier<Optional<ShedStatus>> shedding, UnitStates states) {
        this(units, self, applier, host, access, registry, limitsExecutor, readExecutor, sizing, shedding, states,
                new EventLog());
    }

    /** A context without unit states, with the event log given (tests of the events side). */
    public AgentContext(UnitTree units, Optional<Self> self, Optional<LimitsApplier> applier,
                        Optional<HostResources> host, WriteAccess access, PrometheusRegistry registry,
                        Executor limitsExecutor, Executor readExecutor, Supplier<Optional<RuntimeSizing>> sizing,
                        Supplier<Optional<ShedStatus>> shedding, EventLog events) {
        this(units, self, applier, host, access, registry, limitsExecutor, readExecutor, sizing, shedding,
                UnitStates.unavailable("not watched in this context"), events);
    }

    /** A context without unit states and with an event log of its own (tests of other routes). */
    public AgentContext(UnitTree units, Optional<Self> self, Optional<LimitsApplier> applier,
                        Optional<HostResources> host, WriteAccess access, PrometheusRegistry registry,
                        Executor limitsExecutor, Executor readExecutor, Supplier<Optional<RuntimeSizing>> sizing,
                        Supplier<Optional<ShedStatus>> shedding) {
        this(units, self, applier, host, access, registry, limitsExecutor, readExecutor, sizing, shedding,
                UnitStates.unavailable("not watched in this context"), new EventLog());
    }

    /** A context without sizing and shedding whose reads run on the calling thread (tests of other routes). */
    public AgentContext(UnitTree units, Optional<Self> self, Optional<LimitsApplier> applier,
                        Optional<HostResources> host, WriteAccess access, PrometheusRegistry registry,
                        Executor limitsExecutor) {
        this(units, self, applier, host, access, registry, limitsExecutor, Runnable::run, Optional::empty, Optional::empty);
    }

    /** A context whose applies and reads run on the calling thread: for tests on an embedded channel, where nothing blocks. */
    public AgentContext(UnitTree units, Optional<Self> self, Optional<LimitsApplier> applier,
                        Optional<HostResources> host, WriteAccess access, PrometheusRegistry registry) {
        this(units, self, applier, host, access, registry, Runnable::run, Runnable::run, Optional::empty, Optional::empty);
    }

    /**
     * What cgroup discovery ({@link io.servd.cgroup.Cgroups#self()}) found for servd itself.
     *
     * @param group  servd's cgroup path in the unit tree, e.g. {@code /system.slice/servd.service}
     * @param layout how the host mounts its hierarchies, as visible to servd
     */
    public record Self(String group, CgroupLayout layout) {
        public Self {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(layout, "layout");
        }
    }
}
