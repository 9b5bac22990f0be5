package io.servd.daemon.limits;

import io.servd.netpoll.EventLoops;

import java.util.Objects;

/**
 * What a service's event loops are sized for now, for its status page and metrics (the agent's
 * {@code /v1/self} {@code runtime} object and {@code servd_self_*}).
 *
 * @param eventLoops        loops taking new connections now
 * @param eventLoopCapacity most loops a resize can reach (sized for the host's CPUs)
 * @param cpu               the CPU limits the count follows
 * @param memory            the memory limits in force
 */
public record RuntimeSizing(int eventLoops, int eventLoopCapacity, CpuLimits cpu, MemoryLimits memory) {

    public RuntimeSizing {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
    }

    /** {@code loops} as they are now, with the watcher's last reading; reads no file. */
    public static RuntimeSizing of(EventLoops loops, WatchedLimits limits) {
        return new RuntimeSizing(loops.workerCount(), loops.workerCapacity(), limits.cpu(), limits.memory());
    }
}
