package io.servd.agent.metrics;

import io.servd.agent.units.UnitTree;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.testsupport.FixtureTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The tree the {@code /metrics} tests scrape, composed in a temp dir from the cgroup module's fixtures:
 * the captured debian12-systemd252 tree (root, system.slice, foo.service: Linux 6.1, memory.peak
 * present below the root, io.stat only at the root) plus, in system.slice,
 * <ul>
 * <li>{@code web.service}: v2-service-synthetic's (io.stat on two devices, one without discard
 *     counters; memory.events with OOM kills; memory.swap.max {@code max}), plus a
 *     {@code memory.swap.current} written here (SYNTHETIC, the single-number format of memory.current);
 * <li>{@code foo\x2dbar.service}: foo.service's files under an escaped name;
 * <li>{@code old.service}: foo.service's files as Linux 5.15 shows them (SYNTHETIC edit: no
 *     {@code kernel} key in memory.stat, which came with 6.0, and no memory.peak, which came with 5.19);
 * <li>{@code broken.service}: foo.service's files with a malformed memory.stat and a memory.peak that
 *     cannot be read (a directory in its place);
 * <li>{@code bare.scope}: a cgroup without any controller file (controllers not enabled).
 * </ul>
 * sysfs: {@code dev/block/254:0/uevent} names the virtio disk {@code vda} (the format of the kernel's
 * block uevent: MAJOR, MINOR, DEVNAME, DEVTYPE, DISKSEQ; the VM's disk is 254:0); 8:16 has no uevent.
 */
final class MetricsFixture {
    /** From agent/ (surefire), or from the checkout's top (a benchmark started there). */
    static final Path CGROUPFS = Stream.of(Path.of(".."), Path.of("."))
            .map(p -> p.resolve("cgroup/src/test/resources/cgroupfs")).filter(Files::isDirectory).findFirst()
            .orElse(Path.of("../cgroup/src/test/resources/cgroupfs"));
    static final Path WEB = CGROUPFS.resolve("v2-service-synthetic/system.slice/web.service");
    static final String ESCAPED = "foo\\x2dbar.service";

    private MetricsFixture() {
    }

    /** The cgroup tree below {@code dir/cgroup}; see {@link #sys}. */
    static Path compose(Path dir) throws IOException {
        Path root = FixtureTree.copy(CGROUPFS.resolve("debian12-systemd252"), dir.resolve("cgroup"));
        Path slice = root.resolve("system.slice");
        Path foo = slice.resolve("foo.service");
        Path web = FixtureTree.copy(WEB, slice.resolve("web.service"));
        Files.writeString(web.resolve("memory.swap.current"), "1052672\n");
        FixtureTree.copy(foo, slice.resolve(ESCAPED));
        Path old = FixtureTree.copy(foo, slice.resolve("old.service"));
        String stat = Files.readString(old.resolve("memory.stat"));
        Files.writeString(old.resolve("memory.stat"), stat.replaceFirst("(?m)^kernel [0-9]+\n", ""));
        Files.delete(old.resolve("memory.peak"));
        Path broken = FixtureTree.copy(foo, slice.resolve("broken.service"));
        Files.writeString(broken.resolve("memory.stat"), "anon 110592\nfile\n");
        Files.delete(broken.resolve("memory.peak"));
        Files.createDirectory(broken.resolve("memory.peak"));
        Files.createDirectories(slice.resolve("bare.scope"));
        Path uevent = Files.createDirectories(dir.resolve("sys/dev/block/254:0")).resolve("uevent");
        Files.writeString(uevent, "MAJOR=254\nMINOR=0\nDEVNAME=vda\nDEVTYPE=disk\nDISKSEQ=1\n");
        return root;
    }

    /** sysfs of the tree {@link #compose} made in {@code dir}. */
    static Path sys(Path dir) {
        return dir.resolve("sys");
    }

    /** The collector over the tree {@link #compose} or {@link #manyUnits} made in {@code dir}. */
    static UnitMetrics unitMetrics(Path dir, Predicate<String> reported) {
        return new UnitMetrics(new UnitTree(new CgroupRoot(dir.resolve("cgroup"))), reported, new BlockDevices(sys(dir)));
    }

    /** {@code n} copies of web.service in system.slice of a tree below {@code dir/cgroup}: a busy host. */
    static Path manyUnits(Path dir, int n) throws IOException {
        Path root = compose(dir);
        Path slice = root.resolve("system.slice");
        for (int i = 0; i < n; i++) {
            Path unit = Files.createDirectory(slice.resolve("unit-" + i + ".service"));
            try (Stream<Path> files = Files.list(slice.resolve("web.service"))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, unit.resolve(f.getFileName()));
                }
            }
        }
        return root;
    }
}
