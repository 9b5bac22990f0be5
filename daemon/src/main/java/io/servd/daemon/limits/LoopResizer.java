package io.servd.daemon.limits;

import io.servd.netpoll.EventLoops;
import io.servd.netpoll.LoopSizing;
import io.servd.netpoll.Transport;

import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event loops that follow the CPU limit: started for {@link CpuLimits#effectiveCpus()} with room to
 * grow to the host's CPUs, and resized ({@link EventLoops#resize(double)}) on every
 * {@link LimitChange.CpuLimitChanged}. Shrinking only steers new connections, so none in flight is
 * dropped. The rounding is the {@link LoopSizing}'s; the default is automaxprocs' floor, at least 1
 * (see {@link CpuLimits}). One line for a service:
 *
 * <pre>{@code
 * try (LimitWatcher limits = LimitWatcher.start();
 *      EventLoops loops = LoopResizer.start(transport, LoopSizing.defaults(), limits)) { ... }
 * }</pre>
 */
public final class LoopResizer {

    private static final Logger log = LoggerFactory.getLogger(LoopResizer.class);

    private LoopResizer() {
    }

    /**
     * Starts event loops sized from {@code limits} and keeps them sized; see
     * {@link EventLoops#start(Transport, LoopSizing, double, double)} for the exceptions.
     */
    public static EventLoops start(Transport transport, LoopSizing sizing, LimitWatcher limits) {
        Objects.requireNonNull(limits, "limits");
        CpuLimits cpu = limits.current().cpu();
        EventLoops loops = EventLoops.start(transport, sizing, cpu.effectiveCpus(), cpu.hostCpus());
        log.info("event loops: [{}] of up to [{}] on [{}] for [{}]", loops.workerCount(), loops.workerCapacity(),
                transport, cpu.describe());
        follow(limits, loops);
        return loops;
    }

    /**
     * Resizes {@code loops} on every CPU limit change from now on, and once now if the limit moved
     * since they were started.
     *
     * @return the listener, for {@link LimitWatcher#unsubscribe}
     */
    public static Consumer<LimitChange> follow(LimitWatcher limits, EventLoops loops) {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(loops, "loops");
        Consumer<LimitChange> listener = change -> {
            if (change instanceof LimitChange.CpuLimitChanged cpu) {
                resize(loops, cpu.current());
            }
        };
        resize(loops, limits.subscribe(listener).cpu());
        return listener;
    }

    private static void resize(EventLoops loops, CpuLimits cpu) {
        int before = loops.workerCount();
        int now = loops.resize(cpu.effectiveCpus());
        if (now != before) {
            log.info("event loops resized from [{}] to [{}] for [{}]", before, now, CpuLimits.formatCpus(cpu.effectiveCpus()));
        }
    }
}
