package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupFile;
import io.servd.cgroup.fs.CgroupRoot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The cgroup hierarchies below one mount point, found the way systemd mounts them: the cgroup2 mount
 * itself ({@link CgroupLayout#UNIFIED}), or a tmpfs holding {@code unified/} and one directory per v1
 * hierarchy ({@link CgroupLayout#HYBRID}), or v1 hierarchies only ({@link CgroupLayout#LEGACY}). This
 * looks at the tree, not at a process: {@link Cgroups#self()} answers the same question for one
 * process from {@code /proc}. Read-only.
 *
 * @param layout        how the tree is mounted
 * @param unified       the cgroup2 hierarchy; empty on a legacy host
 * @param v2Controllers the controllers the cgroup2 root offers ({@code cgroup.controllers}); empty without one
 * @param memoryV1      the v1 memory hierarchy, when mounted and memory is not on cgroup2
 * @param pidsV1        the v1 pids hierarchy, likewise
 * @param cpuacctV1     the v1 cpuacct hierarchy ({@code cpuacct.usage}), when cpu is not on cgroup2
 * @param cpuV1         the v1 cpu hierarchy ({@code cpu.cfs_quota_us}), likewise
 */
public record CgroupMounts(CgroupLayout layout, Optional<CgroupRoot> unified, List<String> v2Controllers,
                           Optional<CgroupRoot> memoryV1, Optional<CgroupRoot> pidsV1, Optional<CgroupRoot> cpuacctV1,
                           Optional<CgroupRoot> cpuV1) {

    public CgroupMounts {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(unified, "unified");
        v2Controllers = List.copyOf(v2Controllers);
        Objects.requireNonNull(memoryV1, "memoryV1");
        Objects.requireNonNull(pidsV1, "pidsV1");
        Objects.requireNonNull(cpuacctV1, "cpuacctV1");
        Objects.requireNonNull(cpuV1, "cpuV1");
    }

    /**
     * Looks at {@code mount}: unified when it holds {@code cgroup.controllers}; hybrid when
     * {@code unified/cgroup.controllers} exists; otherwise legacy. v1 hierarchies are looked for under
     * their systemd names ({@code memory}, {@code pids}, {@code cpuacct} or {@code cpu,cpuacct},
     * {@code cpu}), and only for controllers cgroup2 does not offer.
     *
     * @param mount {@code /sys/fs/cgroup} in production ({@link CgroupRoot#system()}), a fixture copy in tests
     * @throws IOException when a present {@code cgroup.controllers} cannot be read
     */
    public static CgroupMounts detect(CgroupRoot mount) throws IOException {
        Path top = mount.mountPoint();
        if (Files.exists(top.resolve(CgroupFile.CGROUP_CONTROLLERS.fileName()))) {
            return new CgroupMounts(CgroupLayout.UNIFIED, Optional.of(mount), controllers(top), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty());
        }
        Path unified = top.resolve("unified");
        boolean hybrid = Files.exists(unified.resolve(CgroupFile.CGROUP_CONTROLLERS.fileName()));
        List<String> v2 = hybrid ? controllers(unified) : List.of();
        return new CgroupMounts(hybrid ? CgroupLayout.HYBRID : CgroupLayout.LEGACY,
                hybrid ? Optional.of(new CgroupRoot(unified)) : Optional.empty(), v2,
                v1(top, v2, "memory", "memory"), v1(top, v2, "pids", "pids"),
                v1(top, v2, "cpu", "cpuacct", "cpu,cpuacct"), v1(top, v2, "cpu", "cpu", "cpu,cpuacct"));
    }

    /** The roots whose directories name cgroups: the cgroup2 root, then each v1 hierarchy read for usage. */
    public List<CgroupRoot> treeRoots() {
        List<CgroupRoot> roots = new ArrayList<>();
        unified.ifPresent(roots::add);
        memoryV1.ifPresent(roots::add);
        pidsV1.ifPresent(roots::add);
        cpuacctV1.ifPresent(roots::add);
        return roots;
    }

    private static Optional<CgroupRoot> v1(Path top, List<String> v2, String v2Name, String... names) {
        if (v2.contains(v2Name)) {
            return Optional.empty();
        }
        return Arrays.stream(names).map(top::resolve).filter(Files::isDirectory).findFirst().map(CgroupRoot::new);
    }

    // cgroup.controllers: space-separated controller names, e.g. "cpuset cpu io memory pids"
    private static List<String> controllers(Path dir) throws IOException {
        String raw = Files.readString(dir.resolve(CgroupFile.CGROUP_CONTROLLERS.fileName()), StandardCharsets.UTF_8);
        return raw.isBlank() ? List.of() : List.of(raw.strip().split("\\s+"));
    }
}
