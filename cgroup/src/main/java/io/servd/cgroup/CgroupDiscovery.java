package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupRoot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a process's cgroups from {@code /proc/<pid>/cgroup} and {@code /proc/<pid>/mountinfo}, as the
 * JDK's {@code CgroupSubsystemFactory} and automaxprocs' {@code NewCGroups} do: each membership line is
 * matched with the mount of its hierarchy, and the path is made relative to that mount's root.
 */
final class CgroupDiscovery {

    private CgroupDiscovery() {
    }

    static ProcessCgroup discover(Path cgroupFile, Path mountInfoFile, CgroupRoot base) throws IOException {
        List<ProcCgroupLine> lines = ProcCgroupLine.parse(read(cgroupFile), cgroupFile);
        List<MountInfoLine> mounts = MountInfoLine.parse(read(mountInfoFile), mountInfoFile);

        Optional<ProcCgroupLine> unifiedLine = lines.stream().filter(ProcCgroupLine::isUnified).findFirst();
        Optional<Hierarchy> unified = Optional.empty();
        if (unifiedLine.isPresent()) {
            unified = locate(unifiedLine.get().path(), mounts, "cgroup2", "", base, CgroupVersion.V2, mountInfoFile);
        }
        boolean v1Controllers = lines.stream().anyMatch(ProcCgroupLine::hasV1Controllers);
        CgroupLayout layout = !v1Controllers ? CgroupLayout.UNIFIED
                : unified.isPresent() ? CgroupLayout.HYBRID : CgroupLayout.LEGACY;

        Map<Controller, Hierarchy> hierarchies = new EnumMap<>(Controller.class);
        for (Controller c : Controller.values()) {
            Optional<ProcCgroupLine> v1 = lines.stream()
                    .filter(l -> !l.isUnified() && l.controllers().contains(c.v1Name())).findFirst();
            Optional<Hierarchy> h = v1.isPresent()
                    // A controller bound to a v1 hierarchy is never available on v2 at the same time.
                    ? locate(v1.get().path(), mounts, "cgroup", c.v1Name(), base, CgroupVersion.V1, mountInfoFile)
                    : unified;
            h.ifPresent(found -> hierarchies.put(c, found));
        }
        return new ProcessCgroup(layout, primaryPath(layout, lines), hierarchies);
    }

    /** systemd's view: the unified path where there is one, else the name=systemd hierarchy, else the first. */
    private static String primaryPath(CgroupLayout layout, List<ProcCgroupLine> lines) {
        if (layout != CgroupLayout.LEGACY) {
            Optional<ProcCgroupLine> unified = lines.stream().filter(ProcCgroupLine::isUnified).findFirst();
            if (unified.isPresent()) {
                return unified.get().path();
            }
        }
        return lines.stream().filter(l -> l.controllers().contains("name=systemd")).findFirst()
                .orElse(lines.get(0)).path();
    }

    /**
     * The mount of a hierarchy that contains {@code procPath}; mounts under /sys/fs/cgroup win over
     * others (a container may see the same hierarchy bind-mounted elsewhere).
     *
     * @param controller the v1 controller the mount's super options must list; "" for cgroup2
     * @return empty when the hierarchy is not mounted at all in this mount namespace
     * @throws CgroupException when it is mounted, but no mount contains the process's cgroup
     */
    private static Optional<Hierarchy> locate(String procPath, List<MountInfoLine> mounts, String fsType,
            String controller, CgroupRoot base, CgroupVersion version, Path mountInfoFile) throws CgroupException {
        List<MountInfoLine> candidates = mounts.stream()
                .filter(m -> m.fsType().equals(fsType))
                .filter(m -> controller.isEmpty() || m.superOptions().contains(controller))
                .sorted((a, b) -> Boolean.compare(!a.mountPoint().startsWith(CgroupRoot.SYSTEM_MOUNT_POINT),
                        !b.mountPoint().startsWith(CgroupRoot.SYSTEM_MOUNT_POINT)))
                .toList();
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        for (MountInfoLine m : candidates) {
            Optional<String> group = Hierarchy.relativeTo(m.root(), procPath);
            if (group.isPresent()) {
                CgroupDir dir;
                try {
                    dir = new CgroupRoot(base.relocate(m.mountPoint())).resolve(group.get());
                } catch (IllegalArgumentException e) {
                    throw new CgroupException("unusable cgroup path [" + procPath + "] in [" + mountInfoFile + "]", e);
                }
                return Optional.of(new Hierarchy(version, dir, m.root()));
            }
        }
        String what = controller.isEmpty() ? fsType : fsType + " " + controller;
        throw new CgroupException("cgroup [" + procPath + "] is outside every " + what + " mount root "
                + candidates.stream().map(MountInfoLine::root).toList() + " in [" + mountInfoFile + "]");
    }

    /**
     * Decodes as UTF-8, replacing malformed bytes: mountinfo lists every mount of the namespace, and one
     * unrelated mount point in Latin-1 must not make discovery fail (Files.readString would throw).
     */
    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }
}
