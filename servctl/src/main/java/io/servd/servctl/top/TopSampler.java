package io.servd.servctl.top;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupException;
import io.servd.cgroup.CgroupSample;
import io.servd.cgroup.CgroupVersion;
import io.servd.cgroup.CpuController;
import io.servd.cgroup.CpuMax;
import io.servd.cgroup.MemoryController;
import io.servd.cgroup.MemoryMax;
import io.servd.cgroup.PidsController;
import io.servd.cgroup.Sampler;
import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupFile;
import io.servd.cgroup.fs.CgroupRoot;
import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * One refresh of {@code servctl top}: walks the cgroup trees of a {@link CgroupHost} down to a depth and
 * reads every cgroup's counters and limits with the cgroup library's {@link Sampler} and controller
 * readers. Read-only; a cgroup that vanishes during the walk simply reads as absent.
 */
public final class TopSampler {

    private final CgroupHost host;
    private final Sampler sampler;
    private final LongSupplier nanoTime;
    private final int maxDepth;

    /**
     * @param nanoTime monotonic clock in nanoseconds (the same one {@code sampler} uses)
     * @param maxDepth deepest level shown: 1 is the root's children (systemd-cgtop's {@code --depth}, default 3)
     */
    public TopSampler(CgroupHost host, Sampler sampler, LongSupplier nanoTime, int maxDepth) {
        this.host = Objects.requireNonNull(host, "host");
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        if (maxDepth < 0) {
            throw new IllegalArgumentException("depth must not be negative [" + maxDepth + "]");
        }
        this.maxDepth = maxDepth;
    }

    public CgroupHost host() {
        return host;
    }

    /**
     * Reads every cgroup down to the depth, sorted by path.
     *
     * @throws io.servd.cgroup.MalformedCgroupFileException when a present file cannot be parsed
     * @throws IOException                                   when a present file cannot be read
     */
    public Map<String, GroupReading> read() throws IOException {
        SortedSet<String> groups = new TreeSet<>();
        for (CgroupRoot root : host.treeRoots()) {
            walk(root.mountPoint(), groups);
        }
        Map<String, GroupReading> readings = new LinkedHashMap<>();
        for (String group : groups) {
            readings.put(group, read(group));
        }
        return readings;
    }

    private GroupReading read(String group) throws IOException {
        long now = nanoTime.getAsLong();
        Optional<CgroupSample> v2 = Optional.empty();
        Optional<MemoryMax> memoryMax = Optional.empty();
        Optional<CpuMax> cpuMax = Optional.empty();
        OptionalLong oomKills = OptionalLong.empty();
        if (host.unified().isPresent()) {
            CgroupDir dir = host.unified().get().resolve(group);
            if (dir.exists()) {
                v2 = Optional.of(sampler.sample(dir));
                memoryMax = MemoryController.of(dir).readMax();
                cpuMax = CpuController.of(dir).readMax();
                oomKills = MemoryController.of(dir).readEvents().map(e -> OptionalLong.of(e.oomKill()))
                        .orElse(OptionalLong.empty());
            }
        }
        Optional<ByteSize> v1Memory = Optional.empty();
        if (host.memoryV1().isPresent()) {
            MemoryController memory = MemoryController.of(host.memoryV1().get().resolve(group), CgroupVersion.V1);
            v1Memory = memory.readCurrent();
            memoryMax = memoryMax.isPresent() ? memoryMax : memory.readMax();
        }
        Optional<Long> v1Tasks = host.pidsV1().isPresent()
                ? PidsController.of(host.pidsV1().get().resolve(group)).readCurrent() : Optional.empty();
        if (cpuMax.isEmpty() && host.cpuV1().isPresent()) {
            cpuMax = CpuController.of(host.cpuV1().get().resolve(group), CgroupVersion.V1).readMax();
        }
        Optional<Duration> v1Cpu = host.cpuacctV1().isPresent()
                ? readCpuacctUsage(host.cpuacctV1().get().resolve(group)) : Optional.empty();
        return new GroupReading(group, now, v2, v1Cpu, v1Memory, v1Tasks, memoryMax, cpuMax, oomKills);
    }

    /** {@code cpuacct.usage}: total CPU time of the group in nanoseconds, one decimal number. */
    static Optional<Duration> readCpuacctUsage(CgroupDir dir) throws IOException {
        Optional<String> raw = dir.read(CgroupFile.CPUACCT_USAGE);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofNanos(Long.parseUnsignedLong(raw.get().strip())));
        } catch (NumberFormatException e) {
            throw new CgroupException("expected nanoseconds: [" + raw.get().strip() + "] in ["
                    + dir.file(CgroupFile.CPUACCT_USAGE) + "]", e);
        }
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
        long subdirs = subdirectoryCount(dir);
        if (subdirs == 0) {
            return;
        }
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    children.add(entry);
                    if (children.size() == subdirs) {
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

    /** Subdirectories from the link count ({@code nlink - 2}), or {@link Long#MAX_VALUE} when unknown. */
    private static long subdirectoryCount(Path dir) throws IOException {
        try {
            Object nlink = Files.getAttribute(dir, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            int links = nlink instanceof Integer n ? n : 0;
            return links >= 2 ? links - 2 : Long.MAX_VALUE;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return Long.MAX_VALUE; // no "unix" attribute view on this platform
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    private static String group(Path mount, Path dir) {
        String rel = mount.relativize(dir).toString();
        return rel.isEmpty() ? "/" : "/" + rel.replace(File.separatorChar, '/');
    }

}
