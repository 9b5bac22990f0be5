package io.servd.agent.metrics;

import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.Unit;
import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupSnapshot;
import io.servd.cgroup.Limit;
import io.servd.cgroup.MemoryEvents;
import io.servd.cgroup.MemoryStat;
import java.util.List;
import java.util.OptionalLong;

/**
 * A unit's memory beyond {@code memory.current}: the {@code memory.stat} breakdown, cAdvisor's working
 * set, swap, the peak and every {@code memory.events} counter. Each breakdown value is its own
 * family, named after its {@code memory.stat} key, rather than one family with a {@code type} label:
 * the values overlap ({@code shmem} is part of {@code file}, {@code sock} of neither), so a sum over
 * such a label would mean nothing.
 */
final class MemorySamples {
    static final String ANON = "servd_unit_memory_anon_bytes";
    static final String FILE = "servd_unit_memory_file_bytes";
    static final String KERNEL = "servd_unit_memory_kernel_bytes";
    static final String SOCK = "servd_unit_memory_sock_bytes";
    static final String SHMEM = "servd_unit_memory_shmem_bytes";
    static final String WORKING_SET = "servd_unit_memory_working_set_bytes";
    static final String PEAK = "servd_unit_memory_peak_bytes";
    static final String SWAP_CURRENT = "servd_unit_memory_swap_current_bytes";
    static final String SWAP_MAX = "servd_unit_memory_swap_max_bytes";
    static final String EVENTS = "servd_unit_memory_events";

    /**
     * What Linux before 6.0 (which added {@code kernel}) shows of kernel memory in {@code memory.stat}.
     * Their sum is a lower bound: {@code kernel} also counts other accounted allocations.
     */
    private static final List<String> KERNEL_PARTS = List.of("kernel_stack", "pagetables", "sec_pagetables", "percpu",
            "vmalloc");

    private MemorySamples() {
    }

    static void declare(Families f) {
        f.gauge(ANON, "anonymous memory: heap, stacks, anonymous mappings (memory.stat anon)", Unit.BYTES);
        f.gauge(FILE, "page cache, tmpfs and shmem included (memory.stat file)", Unit.BYTES);
        f.gauge(KERNEL, "kernel memory (memory.stat kernel; before Linux 6.0 the sum of kernel_stack, pagetables, "
                + "sec_pagetables, percpu, vmalloc and slab, a lower bound)", Unit.BYTES);
        f.gauge(SOCK, "network socket buffers (memory.stat sock)", Unit.BYTES);
        f.gauge(SHMEM, "shared memory and tmpfs, part of file (memory.stat shmem)", Unit.BYTES);
        f.gauge(WORKING_SET, "memory.current minus memory.stat inactive_file, at least 0 (cAdvisor's working set)",
                Unit.BYTES);
        f.gauge(PEAK, "highest memory.current since the cgroup was created (memory.peak, Linux 5.19+)", Unit.BYTES);
        f.gauge(SWAP_CURRENT, "swap in use (memory.swap.current)", Unit.BYTES);
        f.gauge(SWAP_MAX, "swap limit (memory.swap.max), +Inf when unlimited", Unit.BYTES);
        f.counter(EVENTS, "memory.events counters by event: low, high, max, oom, oom_kill, oom_group_kill", null);
    }

    static void add(Families f, String unit, Labels labels, CgroupSnapshot s) {
        var usage = s.usage();
        usage.memoryStat().ifPresent(stat -> {
            put(f, ANON, labels, stat.value("anon"));
            put(f, FILE, labels, stat.value("file"));
            put(f, KERNEL, labels, kernel(stat));
            put(f, SOCK, labels, stat.value("sock"));
            put(f, SHMEM, labels, stat.value("shmem"));
        });
        usage.workingSet().ifPresent(w -> f.add(WORKING_SET, labels, w.bytes()));
        usage.memoryPeak().ifPresent(p -> f.add(PEAK, labels, p.bytes()));
        usage.swapCurrent().ifPresent(c -> f.add(SWAP_CURRENT, labels, c.bytes()));
        s.limits().memorySwapMax().ifPresent(m -> f.add(SWAP_MAX, labels, bytesOrInf(m)));
        usage.memoryEvents().ifPresent(e -> events(f, unit, e));
    }

    /** {@code kernel}, or on older kernels the sum of its parts that memory.stat shows; empty without slab. */
    static OptionalLong kernel(MemoryStat stat) {
        OptionalLong kernel = stat.value("kernel");
        if (kernel.isPresent()) {
            return kernel;
        }
        OptionalLong slab = stat.value("slab");
        if (slab.isEmpty()) {
            OptionalLong reclaimable = stat.value("slab_reclaimable");
            OptionalLong unreclaimable = stat.value("slab_unreclaimable");
            if (reclaimable.isEmpty() || unreclaimable.isEmpty()) {
                return OptionalLong.empty();
            }
            slab = OptionalLong.of(reclaimable.getAsLong() + unreclaimable.getAsLong());
        }
        long sum = slab.getAsLong();
        for (String part : KERNEL_PARTS) {
            sum += stat.value(part).orElse(0);
        }
        return OptionalLong.of(sum);
    }

    private static void events(Families f, String unit, MemoryEvents e) {
        event(f, unit, "low", e.low());
        event(f, unit, "high", e.high());
        event(f, unit, "max", e.max());
        event(f, unit, "oom", e.oom());
        event(f, unit, "oom_kill", e.oomKill());
        e.oomGroupKill().ifPresent(n -> event(f, unit, "oom_group_kill", n));
    }

    private static void event(Families f, String unit, String event, long count) {
        f.add(EVENTS, Labels.of("event", event, "unit", unit), count);
    }

    private static void put(Families f, String name, Labels labels, OptionalLong value) {
        value.ifPresent(v -> f.add(name, labels, v));
    }

    static double bytesOrInf(Limit<ByteSize> limit) {
        return limit instanceof Limit.AtMost<ByteSize> a ? a.value().bytes() : Double.POSITIVE_INFINITY;
    }
}
