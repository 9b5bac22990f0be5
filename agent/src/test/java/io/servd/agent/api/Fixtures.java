package io.servd.agent.api;

import io.servd.testsupport.FixtureTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The cgroup module's captured cgroupfs trees, copied into a temp dir (tests write into them). */
final class Fixtures {
    /** cgroup/src/test/resources/cgroupfs, seen from the agent module's directory. */
    static final Path CGROUPFS = Path.of("..", "cgroup", "src", "test", "resources", "cgroupfs");

    private Fixtures() {
    }

    static Path copy(String scenario, Path into) throws IOException {
        return FixtureTree.copy(CGROUPFS.resolve(scenario), into);
    }

    /** Every file under {@code root} with its content: compare before and after to prove nothing was written. */
    static TreeMap<String, String> snapshot(Path root) {
        var all = new TreeMap<String, String>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                all.put(root.relativize(p).toString(), Files.isRegularFile(p) ? Files.readString(p) : "<dir>");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }
}
