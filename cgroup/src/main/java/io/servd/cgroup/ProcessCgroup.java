package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupFile;

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
        return new EffectiveLimits(effectiveCpuMax(), effectiveMemoryMax());
    }

    /**
     * The strictest CPU limit along this cgroup and its ancestors ({@code cpu.max}; v1
     * {@code cpu.cfs_quota_us}/{@code cpu.cfs_period_us}), read alone: a broken memory file does not hide it.
     *
     * @return empty when the cpu controller is not mounted or no level has the file
     * @throws MalformedCgroupFileException when a limit file cannot be parsed
     * @throws CgroupException              when the process's cgroup directory is missing
     */
    public Optional<EffectiveLimit<CpuMax>> effectiveCpuMax() throws IOException {
        Optional<Hierarchy> h = hierarchy(Controller.CPU);
        return h.isEmpty() ? Optional.empty()
                : AncestorWalk.strictest(h.get(), CpuController::readMax, CpuController.STRICTEST_FIRST);
    }

    /**
     * The strictest memory limit along this cgroup and its ancestors ({@code memory.max}; v1
     * {@code memory.limit_in_bytes}), read alone.
     *
     * @return empty when the memory controller is not mounted or no level has the file
     * @throws MalformedCgroupFileException when a limit file cannot be parsed
     * @throws CgroupException              when the process's cgroup directory is missing
     */
    public Optional<EffectiveLimit<MemoryMax>> effectiveMemoryMax() throws IOException {
        Optional<Hierarchy> h = hierarchy(Controller.MEMORY);
        return h.isEmpty() ? Optional.empty()
                : AncestorWalk.strictest(h.get(), MemoryController::readMax, MemoryController.STRICTEST_FIRST);
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

    /**
     * The CPUs this cgroup may run on ({@code cpuset.cpus.effective}, v2 only): the deepest level that
     * has the file, since the kernel already intersects it with every ancestor's. systemd enables the
     * cpuset controller below a slice only for units with {@code AllowedCPUs=}; without it the file
     * is found at the first ancestor that has it (the root cgroup has it whenever
     * the controller is on the unified hierarchy).
     *
     * @return empty on v1, or when the cpuset controller is not on the unified hierarchy
     * @throws MalformedCgroupFileException when a present file is not a cpu list
     */
    public Optional<EffectiveLimit<CpusetCpus>> effectiveCpuset() throws IOException {
        Optional<Hierarchy> h = hierarchy(Controller.CPU).filter(found -> found.version() == CgroupVersion.V2);
        if (h.isEmpty()) {
            return Optional.empty();
        }
        // Not AncestorWalk.strictest: a child partition root (cpuset.cpus.partition) takes its CPUs
        // out of the parent's effective set, so the deepest file, not the smallest set, is the answer.
        for (Optional<CgroupDir> level = Optional.of(h.get().dir()); level.isPresent(); level = level.get().parent()) {
            Optional<CpusetCpus> cpus = CgroupParser.read(level.get(), CgroupFile.CPUSET_CPUS_EFFECTIVE,
                    CpusetCpus::parseCgroup);
            if (cpus.isPresent()) {
                return Optional.of(new EffectiveLimit<>(cpus.get(), h.get().cgroupPath(level.get())));
            }
        }
        return Optional.empty();
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
