package io.servd.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Copies a captured fixture tree (the cgroup module's {@code src/test/resources/cgroupfs/<scenario>})
 * into a test's temp dir, where the test may change it as the kernel or systemd would.
 */
public final class FixtureTree {

    private FixtureTree() {
    }

    /**
     * Copies every directory and file below {@code from} to the same place below {@code into}.
     *
     * @return {@code into}
     */
    public static Path copy(Path from, Path into) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = into.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return into;
    }

    /** Deletes {@code tree} and everything below it (a benchmark's generated tree, outside JUnit's @TempDir). */
    public static void delete(Path tree) throws IOException {
        try (Stream<Path> s = Files.walk(tree)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
