package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;

import java.io.IOException;
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
        return Optional.ofNullable(hierarchies.get(controller)).map(Hierarchy::dir);
    }

    /**
     * The format of {@code controller}'s files for this process.
     *
     * @return empty when the controller's hierarchy is not mounted where this process can see it
     */
    public Optional<CgroupVersion> version(Controller controller) {
        return Optional.ofNullable(hierarchies.get(controller)).map(Hierarchy::version);
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
        Hierarchy cpuHierarchy = hierarchies.get(Controller.CPU);
        if (cpuHierarchy != null) {
            cpu = AncestorWalk.strictest(cpuHierarchy, CpuController::readMax, CpuController.STRICTEST_FIRST);
        }
        Optional<EffectiveLimit<MemoryMax>> memory = Optional.empty();
        Hierarchy memoryHierarchy = hierarchies.get(Controller.MEMORY);
        if (memoryHierarchy != null) {
            memory = AncestorWalk.strictest(memoryHierarchy, MemoryController::readMax,
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
        Hierarchy h = hierarchies.get(Controller.PIDS);
        return h == null ? Optional.empty() : AncestorWalk.strictest(h,
                (dir, version) -> PidsController.of(dir).readMax(),
                java.util.Comparator.comparingLong(p -> p.limit() instanceof Limit.AtMost<Long> a ? a.value() : Long.MAX_VALUE));
    }

    /**
     * The strictest {@code memory.high} along this cgroup and its ancestors (v2 only).
     *
     * @return empty on v1, or when no level has {@code memory.high}
     */
    public Optional<EffectiveLimit<MemoryHigh>> effectiveMemoryHigh() throws IOException {
        Hierarchy h = hierarchies.get(Controller.MEMORY);
        return h == null ? Optional.empty() : AncestorWalk.strictest(h,
                (dir, version) -> MemoryController.of(dir, version).readHigh(),
                java.util.Comparator.comparingLong(m -> m.bytes().map(ByteSize::bytes).orElse(Long.MAX_VALUE)));
    }

    /** A reader of this process's cpu controller files; empty when the hierarchy is not visible. */
    public Optional<CpuController> cpu() {
        return Optional.ofNullable(hierarchies.get(Controller.CPU)).map(h -> CpuController.of(h.dir(), h.version()));
    }

    /** A reader of this process's memory controller files; empty when the hierarchy is not visible. */
    public Optional<MemoryController> memory() {
        return Optional.ofNullable(hierarchies.get(Controller.MEMORY)).map(h -> MemoryController.of(h.dir(), h.version()));
    }

    /** A reader of this process's pids controller files; empty when the hierarchy is not visible. */
    public Optional<PidsController> pids() {
        return Optional.ofNullable(hierarchies.get(Controller.PIDS)).map(h -> PidsController.of(h.dir()));
    }

    @Override
    public String toString() {
        return "ProcessCgroup[layout=" + layout + ", path=" + path + ", hierarchies=" + hierarchies + "]";
    }
}
