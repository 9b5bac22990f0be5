package io.servd.daemon.servctl.top;

import io.servd.cgroup.Sampler;
import io.servd.cgroup.fs.CgroupRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** Captured cgroupfs trees (src/test/resources/cgroupfs) copied into a temp dir, and a clock tests move. */
final class Fixtures {

    private Fixtures() {
    }

    static Path copy(String scenario, Path into) throws IOException {
        Path from;
        try {
            from = Path.of(Fixtures.class.getResource("/cgroupfs/" + scenario).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
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
        return new TopSampler(CgroupHost.detect(new CgroupRoot(root)), new Sampler(clock::get), clock::get, depth);
    }
}
