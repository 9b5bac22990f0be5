package io.servd.servctl.top;

import io.servd.cgroup.CgroupMounts;
import io.servd.cgroup.CgroupReader;
import io.servd.cgroup.CgroupSnapshot;
import io.servd.cgroup.fs.CgroupRoot;
import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One refresh of {@code servctl top}: walks the cgroup trees of a {@link CgroupMounts} from one cgroup
 * (systemd-cgtop's {@code [GROUP]}) down to a depth and reads every cgroup with the cgroup library's
 * {@link CgroupReader} (cgroup2 first, v1 hierarchies for what it lacks). Read-only; a cgroup that vanishes
 * during the walk simply reads as absent.
 */
public final class TopSampler {

    private final CgroupMounts mounts;
    private final CgroupReader reader;
    private final String top;
    private final long maxDepth;

    /** The whole tree: {@link #TopSampler(CgroupMounts, CgroupReader, String, long)} from {@code /}. */
    public TopSampler(CgroupMounts mounts, CgroupReader reader, long maxDepth) {
        this(mounts, reader, "/", maxDepth);
    }

    /**
     * @param reader   stamps each snapshot with its monotonic clock
     * @param top      the cgroup whose subtree is read (systemd-cgtop's {@code [GROUP]}), e.g. {@code /system.slice}
     * @param maxDepth deepest level shown below {@code top}: 1 is its children (cgtop's {@code --depth}, default 3)
     * @throws IllegalArgumentException when {@code top} is not an absolute, normalised cgroup path
     */
    public TopSampler(CgroupMounts mounts, CgroupReader reader, String top, long maxDepth) {
        this.mounts = Objects.requireNonNull(mounts, "mounts");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.top = Objects.requireNonNull(top, "top");
        if (maxDepth < 0) {
            throw new IllegalArgumentException("depth must not be negative [" + maxDepth + "]");
        }
        this.maxDepth = maxDepth;
        for (CgroupRoot root : mounts.treeRoots()) {
            root.resolve(top); // validates the path
        }
    }

    /** The cgroup whose subtree is read. */
    public String top() {
        return top;
    }

    /** True when {@link #top()} is a cgroup in at least one hierarchy read. */
    public boolean topExists() {
        return mounts.treeRoots().stream().anyMatch(r -> Files.isDirectory(start(r.mountPoint())));
    }

    /** The hierarchies read. */
    public CgroupMounts mounts() {
        return mounts;
    }

    /**
     * Reads every cgroup down to the depth, sorted by path.
     *
     * @throws io.servd.cgroup.MalformedCgroupFileException when a present file cannot be parsed (the first such file)
     * @throws IOException                                   when a present file or directory cannot be read
     */
    public Map<String, CgroupSnapshot> read() throws IOException {
        SortedSet<String> groups = new TreeSet<>();
        for (CgroupRoot root : mounts.treeRoots()) {
            walk(root.mountPoint(), start(root.mountPoint()), groups);
        }
        Map<String, CgroupSnapshot> snapshots = new LinkedHashMap<>();
        for (String group : groups) {
            CgroupSnapshot snapshot = reader.read(mounts, group);
            snapshot.ensureReadable();
            snapshots.put(group, snapshot);
        }
        return snapshots;
    }

    private Path start(Path mount) {
        return top.equals("/") ? mount : mount.resolve(top.substring(1));
    }

    /** Adds the cgroup paths below {@code start} down to the depth; directories that vanish are skipped. */
    private void walk(Path mount, Path start, SortedSet<String> groups) throws IOException {
        if (Files.isDirectory(start)) {
            walk(mount, start, 0, groups);
        }
    }

    /**
     * Depth-first, without a stat per interface file where the file system tells us the number of
     * subdirectories: on cgroupfs (kernfs), tmpfs and ext4 a directory's link count is 2 plus its
     * subdirectories, so a leaf cgroup (link count 2, most of a tree) is not even listed, and listing
     * stops once every subdirectory was found. systemd-cgtop gets the same from readdir's d_type, which
     * Java does not expose; on file systems without that link count everything is listed.
     */
    private void walk(Path mount, Path dir, int depth, SortedSet<String> groups) throws IOException {
        groups.add(group(mount, dir));
        if (depth >= maxDepth) {
            return;
        }
        OptionalLong subdirs = subdirectoryCount(dir);
        if (subdirs.isPresent() && subdirs.getAsLong() == 0) {
            return;
        }
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    children.add(entry);
                    if (subdirs.isPresent() && children.size() == subdirs.getAsLong()) {
                        break;
                    }
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            return; // removed while walking: gone from this refresh
        }
        for (Path child : children) {
            walk(mount, child, depth + 1, groups);
        }
    }

    /** Subdirectories from the link count ({@code nlink - 2}); empty when the file system does not tell. */
    private static OptionalLong subdirectoryCount(Path dir) throws IOException {
        try {
            Object nlink = Files.getAttribute(dir, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            int links = nlink instanceof Integer n ? n : 0;
            return links >= 2 ? OptionalLong.of(links - 2) : OptionalLong.empty();
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return OptionalLong.empty(); // no "unix" attribute view on this platform
        } catch (NoSuchFileException e) {
            return OptionalLong.of(0);
        }
    }

    private static String group(Path mount, Path dir) {
        String rel = mount.relativize(dir).toString();
        return rel.isEmpty() ? "/" : "/" + rel.replace(File.separatorChar, '/');
    }

}
