package io.servd.servctl.top;

import io.servd.cgroup.CgroupMounts;
import io.servd.cgroup.CgroupReader;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;
import io.servd.testsupport.FixtureTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** The cgroup module's captured cgroupfs trees copied into a temp dir, and a clock tests move. */
final class Fixtures {

    private Fixtures() {
    }

    /** cgroup/src/test/resources/cgroupfs, seen from the servctl module's directory. */
    static final Path CGROUPFS = Path.of("..", "cgroup", "src", "test", "resources", "cgroupfs");

    static Path copy(String scenario, Path into) throws IOException {
        return FixtureTree.copy(CGROUPFS.resolve(scenario), Files.createDirectories(into.resolve(scenario)));
    }

    /** A sampler on {@code root} whose clock is {@code clock} (nanoseconds), reading what servctl top reads ({@link TopRows#FILES}). */
    static TopSampler sampler(Path root, AtomicLong clock, int depth) throws IOException {
        return new TopSampler(CgroupMounts.detect(new CgroupRoot(root)), new CgroupReader(clock::get, TopRows.FILES), depth);
    }

    /** A reader on {@code root}, counting processes with {@code proc} as /proc (pid 4242 is "servctl"). */
    static TopReader reader(Path root, Path proc, AtomicLong clock, String top, int depth) throws IOException {
        CgroupMounts mounts = CgroupMounts.detect(new CgroupRoot(root));
        return new TopReader(new TopSampler(mounts, new CgroupReader(clock::get, TopRows.FILES), top, depth),
                new ProcessCounter(mounts, new ProcFs(proc), 4242), new UnitProcesses(mounts, new ProcFs(proc), clock::get));
    }
}
