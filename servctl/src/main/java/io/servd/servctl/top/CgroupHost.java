package io.servd.servctl.top;

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
 * The cgroup hierarchies {@code servctl top} reads, found below one mount point the way systemd mounts
 * them: the cgroup2 mount itself (unified), or a tmpfs holding {@code unified/} and one directory per v1
 * hierarchy (hybrid), or v1 hierarchies only (legacy). Everything is read, nothing written.
 *
 * @param layout         {@code unified}, {@code hybrid} or {@code legacy}
 * @param unified        the cgroup2 hierarchy, when mounted
 * @param v2Controllers  the controllers the cgroup2 root offers ({@code cgroup.controllers}); empty without one
 * @param memoryV1       the v1 memory hierarchy, when mounted and not on cgroup2
 * @param pidsV1         the v1 pids hierarchy
 * @param cpuacctV1      the v1 cpuacct hierarchy ({@code cpuacct.usage})
 * @param cpuV1          the v1 cpu hierarchy ({@code cpu.cfs_quota_us})
 */
public record CgroupHost(String layout, Optional<CgroupRoot> unified, List<String> v2Controllers,
                         Optional<CgroupRoot> memoryV1, Optional<CgroupRoot> pidsV1, Optional<CgroupRoot> cpuacctV1,
                         Optional<CgroupRoot> cpuV1) {

    /** The controllers top shows, by their v2 names. */
    static final List<String> SHOWN = List.of("cpu", "memory", "io", "pids");

    public CgroupHost {
        Objects.requireNonNull(layout, "layout");
        v2Controllers = List.copyOf(v2Controllers);
    }

    /**
     * Looks at {@code mount}: unified when it holds {@code cgroup.controllers}; hybrid when
     * {@code unified/cgroup.controllers} exists; otherwise legacy. v1 hierarchies are looked for under
     * their systemd names ({@code memory}, {@code pids}, {@code cpuacct} or {@code cpu,cpuacct}, {@code cpu}).
     *
     * @throws IOException when a present {@code cgroup.controllers} cannot be read
     */
    public static CgroupHost detect(CgroupRoot mount) throws IOException {
        Path top = mount.mountPoint();
        if (Files.exists(top.resolve(CgroupFile.CGROUP_CONTROLLERS.fileName()))) {
            return new CgroupHost("unified", Optional.of(mount), controllers(top), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty());
        }
        Path unified = top.resolve("unified");
        boolean hybrid = Files.exists(unified.resolve(CgroupFile.CGROUP_CONTROLLERS.fileName()));
        List<String> v2 = hybrid ? controllers(unified) : List.of();
        return new CgroupHost(hybrid ? "hybrid" : "legacy", hybrid ? Optional.of(new CgroupRoot(unified)) : Optional.empty(),
                v2, v1(top, v2, "memory", "memory"), v1(top, v2, "pids", "pids"),
                v1(top, v2, "cpu", "cpuacct", "cpu,cpuacct"), v1(top, v2, "cpu", "cpu", "cpu,cpuacct"));
    }

    private static Optional<CgroupRoot> v1(Path top, List<String> v2, String v2Name, String... names) {
        if (v2.contains(v2Name)) {
            return Optional.empty();
        }
        return Arrays.stream(names).map(top::resolve).filter(Files::isDirectory).findFirst().map(CgroupRoot::new);
    }

    private static List<String> controllers(Path dir) throws IOException {
        String raw = Files.readString(dir.resolve(CgroupFile.CGROUP_CONTROLLERS.fileName()), StandardCharsets.UTF_8);
        return raw.isBlank() ? List.of() : List.of(raw.strip().split("\\s+"));
    }

    /** The roots to walk for cgroup paths: the v2 root, then each v1 hierarchy. */
    List<CgroupRoot> treeRoots() {
        List<CgroupRoot> roots = new ArrayList<>();
        unified.ifPresent(roots::add);
        memoryV1.ifPresent(roots::add);
        pidsV1.ifPresent(roots::add);
        cpuacctV1.ifPresent(roots::add);
        return roots;
    }

    /**
     * One line for the screen: where each shown controller is read from, and which are absent, e.g.
     * {@code hybrid: cgroup2 [hugetlb]; cpu: cgroup2 cpu.stat + v1 cpuacct; memory: v1 (read-only); io: absent}.
     */
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(layout + (unified.isPresent() ? ": cgroup2 " + v2Controllers : ""));
        List<String> absent = new ArrayList<>();
        for (String c : SHOWN) {
            if (v2Controllers.contains(c)) {
                continue;
            }
            Optional<CgroupRoot> v1 = switch (c) {
                case "memory" -> memoryV1;
                case "pids" -> pidsV1;
                case "cpu" -> cpuacctV1;
                default -> Optional.empty();
            };
            if (v1.isPresent()) {
                parts.add(c + " from v1");
            } else {
                absent.add(c);
            }
        }
        if (!absent.isEmpty()) {
            parts.add("absent: " + String.join(" ", absent));
        }
        return String.join("; ", parts);
    }
}
