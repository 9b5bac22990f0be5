package io.servd.servctl.top;

import io.servd.cgroup.CgroupMounts;
import io.servd.cgroup.CgroupReader;
import io.servd.cgroup.fs.CgroupRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** The cgroup module's captured cgroupfs trees copied into a temp dir, and a clock tests move. */
final class Fixtures {

    private Fixtures() {
    }

    /** cgroup/src/test/resources/cgroupfs, seen from the servctl module's directory. */
    static final Path CGROUPFS = Path.of("..", "cgroup", "src", "test", "resources", "cgroupfs");

    static Path copy(String scenario, Path into) throws IOException {
        Path from = CGROUPFS.resolve(scenario);
        Path to = into.resolve(scenario);
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(p -> {
                try {
                    Files.copy(p, to.resolve(from.relativize(p).toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return to;
    }

    /** A sampler on {@code root} whose clock is {@code clock} (nanoseconds). */
    static TopSampler sampler(Path root, AtomicLong clock, int depth) throws IOException {
        return new TopSampler(CgroupMounts.detect(new CgroupRoot(root)), new CgroupReader(clock::get), depth);
    }
}
