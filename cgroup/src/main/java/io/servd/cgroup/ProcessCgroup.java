package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;

import java.io.IOException;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The cgroups a process belongs to, as discovered by {@link Cgroups#self()} or {@link Cgroups#of(long)}.
 * Immutable; reading limits goes to the file system each time.
 */
public final class ProcessCgroup {

    private final CgroupLayout layout;
    private final String path;
    private final Map<Controller, Hierarchy> hierarchies;

    ProcessCgroup(CgroupLayout layout, String path, Map<Controller, Hierarchy> hierarchies) {
        this.layout = Objects.requireNonNull(layout, "layout");
        this.path = Objects.requireNonNull(path, "path");
        this.hierarchies = hierarchies.isEmpty()
                ? Map.of() : new EnumMap<>(hierarchies);
    }

    /** How the host mounts its cgroup hierarchies, as visible to this process. */
    public CgroupLayout layout() {
        return layout;
    }

    /**
     * The process's cgroup path as systemd sees it, e.g. {@code "/system.slice/servd.service"}: the
     * unified (v2) path on unified and hybrid hosts, the {@code name=systemd} path on legacy ones.
     */
    public String path() {
        return path;
    }

    /**
     * The directory holding {@code controller}'s files for this process.
     *
     * @return empty when the controller's hierarchy is not mounted where this process can see it
     */
    public Optional<CgroupDir> directory(Controller controller) {
        return hierarchy(controller).map(Hierarchy::dir);
    }

    /**
     * The format of {@code controller}'s files for this process.
     *
     * @return empty when the controller's hierarchy is not mounted where this process can see it
     */
    public Optional<CgroupVersion> version(Controller controller) {
        return hierarchy(controller).map(Hierarchy::version);
    }

    /**
     * Reads the strictest CPU and memory limits along this cgroup and its ancestors (v2 {@code cpu.max},
     * {@code memory.max}; v1 {@code cpu.cfs_quota_us}/{@code cpu.cfs_period_us}, {@code memory.limit_in_bytes}).
     *
     * @throws MalformedCgroupFileException when a limit file cannot be parsed
     * @throws CgroupException              when the process's cgroup directory is missing
     * @throws IOException                  when a file cannot be read
     */
    public EffectiveLimits effectiveLimits() throws IOException {
        Optional<EffectiveLimit<CpuMax>> cpu = Optional.empty();
        Optional<Hierarchy> cpuHierarchy = hierarchy(Controller.CPU);
        if (cpuHierarchy.isPresent()) {
            cpu = AncestorWalk.strictest(cpuHierarchy.get(), CpuController::readMax, CpuController.STRICTEST_FIRST);
        }
        Optional<EffectiveLimit<MemoryMax>> memory = Optional.empty();
        Optional<Hierarchy> memoryHierarchy = hierarchy(Controller.MEMORY);
        if (memoryHierarchy.isPresent()) {
            memory = AncestorWalk.strictest(memoryHierarchy.get(), MemoryController::readMax,
                    MemoryController.STRICTEST_FIRST);
        }
        return new EffectiveLimits(cpu, memory);
    }

    /**
     * The strictest task limit along this cgroup and its ancestors ({@code pids.max}).
     *
     * @return empty when the pids controller is not mounted or no level has {@code pids.max}
     */
    public Optional<EffectiveLimit<PidsMax>> effectivePidsMax() throws IOException {
        Optional<Hierarchy> h = hierarchy(Controller.PIDS);
        return h.isEmpty() ? Optional.empty() : AncestorWalk.strictest(h.get(),
                (dir, version) -> PidsController.of(dir).readMax(),
                Comparator.comparing(PidsMax::limit, Limit.strictestFirst(Comparator.<Long>naturalOrder())));
    }

    /**
     * The strictest {@code memory.high} along this cgroup and its ancestors (v2 only).
     *
     * @return empty on v1, or when no level has {@code memory.high}
     */
    public Optional<EffectiveLimit<MemoryHigh>> effectiveMemoryHigh() throws IOException {
        Optional<Hierarchy> h = hierarchy(Controller.MEMORY);
        return h.isEmpty() ? Optional.empty() : AncestorWalk.strictest(h.get(),
                (dir, version) -> MemoryController.of(dir, version).readHigh(),
                Comparator.comparing(MemoryHigh::limit, Limit.strictestFirst(Comparator.comparingLong(ByteSize::bytes))));
    }

    /** A reader of this process's cpu controller files; empty when the hierarchy is not visible. */
    public Optional<CpuController> cpu() {
        return hierarchy(Controller.CPU).map(h -> CpuController.of(h.dir(), h.version()));
    }

    /** A reader of this process's memory controller files; empty when the hierarchy is not visible. */
    public Optional<MemoryController> memory() {
        return hierarchy(Controller.MEMORY).map(h -> MemoryController.of(h.dir(), h.version()));
    }

    /** A reader of this process's pids controller files; empty when the hierarchy is not visible. */
    public Optional<PidsController> pids() {
        return hierarchy(Controller.PIDS).map(h -> PidsController.of(h.dir()));
    }

    /** The hierarchy holding {@code controller}; empty when it is not mounted where this process can see it. */
    private Optional<Hierarchy> hierarchy(Controller controller) {
        return Optional.ofNullable(hierarchies.get(controller));
    }

    @Override
    public String toString() {
        return "ProcessCgroup[layout=" + layout + ", path=" + path + ", hierarchies=" + hierarchies + "]";
    }
}
