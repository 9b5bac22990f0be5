package io.servd.agent.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.servd.cgroup.ByteSize;
import io.servd.daemon.limits.RuntimeSizing;
import io.servd.daemon.pressure.ShedStatus;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * servd's own sizing, the {@code runtime} object of {@code /v1/self} as gauges, read from memory at
 * scrape time. A memory limit that is unlimited is {@code +Inf}, as {@code servd_unit_memory_max_bytes};
 * one whose file is absent has no sample. The load shedder's state likewise: {@code servd_self_shedding}
 * (0 or 1) and the requests it refused.
 */
public final class SelfMetrics implements MultiCollector {
    private final Supplier<Optional<RuntimeSizing>> sizing;
    private final Supplier<Optional<ShedStatus>> shedding;

    /**
     * @param sizing   what the event loops are sized for now, e.g. the agent context's
     * @param shedding the load shedder's state now; empty: no shedding samples
     */
    public SelfMetrics(Supplier<Optional<RuntimeSizing>> sizing, Supplier<Optional<ShedStatus>> shedding) {
        this.sizing = Objects.requireNonNull(sizing, "sizing");
        this.shedding = Objects.requireNonNull(shedding, "shedding");
    }

    @Override
    public MetricSnapshots collect() {
        Families f = new Families();
        f.gauge("servd_self_event_loops", "event loops taking new connections", null);
        f.gauge("servd_self_event_loop_capacity", "most event loops a resize can reach (the host's cpus)", null);
        f.gauge("servd_self_effective_cpus", "cpus the event loops are sized for: min(quota, cpuset, host)", null);
        f.gauge("servd_self_host_cpus", "cpus online on the host", null);
        f.gauge("servd_self_memory_limit_bytes", "strictest memory.max of servd's cgroup and its ancestors", Unit.BYTES);
        f.gauge("servd_self_memory_high_bytes", "strictest memory.high of servd's cgroup and its ancestors", Unit.BYTES);
        f.gauge("servd_self_shedding", "1 while new requests are refused with 503 under memory pressure", null);
        f.counter("servd_self_shed_requests", "requests refused with 503 under memory pressure", null);
        shedding.get().ifPresent(s -> {
            f.add("servd_self_shedding", Labels.EMPTY, s.shedding() ? 1 : 0);
            f.add("servd_self_shed_requests", Labels.EMPTY, s.shedRequests());
        });
        Optional<RuntimeSizing> now = sizing.get();
        if (now.isPresent()) {
            RuntimeSizing s = now.get();
            f.add("servd_self_event_loops", Labels.EMPTY, s.eventLoops());
            f.add("servd_self_event_loop_capacity", Labels.EMPTY, s.eventLoopCapacity());
            f.add("servd_self_effective_cpus", Labels.EMPTY, s.cpu().effectiveCpus());
            f.add("servd_self_host_cpus", Labels.EMPTY, s.cpu().hostCpus());
            if (s.memory().max().isPresent()) {
                f.add("servd_self_memory_limit_bytes", Labels.EMPTY, bytesOrInf(s.memory().maxBytes()));
            }
            if (s.memory().high().isPresent()) {
                f.add("servd_self_memory_high_bytes", Labels.EMPTY, bytesOrInf(s.memory().highBytes()));
            }
        }
        return f.build();
    }

    private static double bytesOrInf(Optional<ByteSize> bytes) {
        return bytes.map(b -> (double) b.bytes()).orElse(Double.POSITIVE_INFINITY);
    }
}
