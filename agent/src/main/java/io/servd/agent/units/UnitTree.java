package io.servd.agent.units;

import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.unit.UnitName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The units found in a cgroup v2 tree, as systemd lays it out: the root cgroup is {@code -.slice};
 * slices nest ({@code /system.slice/system-getty.slice}); every other unit with a cgroup (service,
 * scope, socket, mount, swap) sits directly in a slice. Directories below a non-slice unit are
 * delegated sub-cgroups, not units, and are not entered. Read on every call: units come and go.
 */
public final class UnitTree {
    /** The root cgroup's unit name. */
    public static final String ROOT_SLICE = "-.slice";
    /** Deeper slice nesting than this is not something systemd makes; stop rather than loop. */
    private static final int MAX_DEPTH = 32;

    private final CgroupRoot root;

    public UnitTree(CgroupRoot root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /** The tree's root (the unified hierarchy's mount point). */
    public CgroupRoot root() {
        return root;
    }

    /**
     * Every unit in the tree, root first, then by cgroup path.
     *
     * @throws IOException when a slice directory cannot be listed (one that vanished meanwhile is skipped)
     */
    public List<UnitCgroup> list() throws IOException {
        List<UnitCgroup> units = new ArrayList<>();
        CgroupDir top = root.resolve("/");
        units.add(new UnitCgroup(ROOT_SLICE, top));
        walk(top, 0, units);
        return List.copyOf(units);
    }

    /**
     * The cgroup of {@code unit}.
     *
     * @return empty when no cgroup of that name exists (the unit is not loaded, not running, or has no cgroup)
     */
    public Optional<UnitCgroup> find(UnitName unit) throws IOException {
        if (!unit.hasCgroup()) {
            return Optional.empty();
        }
        return list().stream().filter(u -> u.unit().equals(unit.name())).findFirst();
    }

    /**
     * The unit that owns cgroup {@code group}: its last segment when that is a unit name,
     * {@code -.slice} for the root.
     */
    public static Optional<String> unitOf(String group) {
        if (group.equals("/")) {
            return Optional.of(ROOT_SLICE);
        }
        String last = group.substring(group.lastIndexOf('/') + 1);
        return UnitName.isValid(last) && UnitName.of(last).hasCgroup() ? Optional.of(last) : Optional.empty();
    }

    private void walk(CgroupDir slice, int depth, List<UnitCgroup> into) throws IOException {
        if (depth >= MAX_DEPTH) {
            return;
        }
        List<Path> children;
        try (Stream<Path> s = Files.list(slice.path())) {
            children = s.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        } catch (NoSuchFileException e) {
            return; // the slice went away while we walked
        }
        for (Path child : children) {
            String name = child.getFileName().toString();
            if (!UnitName.isValid(name) || !UnitName.of(name).hasCgroup()) {
                continue;
            }
            CgroupDir dir = slice.child(name);
            into.add(new UnitCgroup(name, dir));
            if (name.endsWith(".slice")) {
                walk(dir, depth + 1, into);
            }
        }
    }
}
