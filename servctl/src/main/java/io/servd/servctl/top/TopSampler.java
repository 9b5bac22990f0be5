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
 * One refresh of {@code servctl top}: walks the cgroup trees of a {@link CgroupMounts} down to a depth
 * and reads every cgroup with the cgroup library's {@link CgroupReader} (cgroup2 first, v1 hierarchies
 * for what it lacks). Read-only; a cgroup that vanishes during the walk simply reads as absent.
 */
public final class TopSampler {

    private final CgroupMounts mounts;
    private final CgroupReader reader;
    private final int maxDepth;

    /**
     * @param reader   stamps each snapshot with its monotonic clock
     * @param maxDepth deepest level shown: 1 is the root's children (systemd-cgtop's {@code --depth}, default 3)
     */
    public TopSampler(CgroupMounts mounts, CgroupReader reader, int maxDepth) {
        this.mounts = Objects.requireNonNull(mounts, "mounts");
        this.reader = Objects.requireNonNull(reader, "reader");
        if (maxDepth < 0) {
            throw new IllegalArgumentException("depth must not be negative [" + maxDepth + "]");
        }
        this.maxDepth = maxDepth;
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
            walk(root.mountPoint(), groups);
        }
        Map<String, CgroupSnapshot> snapshots = new LinkedHashMap<>();
        for (String group : groups) {
            CgroupSnapshot snapshot = reader.read(mounts, group);
            snapshot.ensureReadable();
            snapshots.put(group, snapshot);
        }
        return snapshots;
    }

    /** Adds the cgroup paths below {@code mount} down to the depth; directories that vanish are skipped. */
    private void walk(Path mount, SortedSet<String> groups) throws IOException {
        if (Files.isDirectory(mount)) {
            walk(mount, mount, 0, groups);
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
