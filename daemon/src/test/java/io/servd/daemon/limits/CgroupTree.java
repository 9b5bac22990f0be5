package io.servd.daemon.limits;

import io.servd.cgroup.Cgroups;
import io.servd.cgroup.ProcessCgroup;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;
import io.servd.testsupport.FixtureTree;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A captured cgroup tree of the cgroup module ({@code cgroup/src/test/resources/cgroupfs/<scenario>})
 * copied into a temp dir, where a test changes limits as systemd would, with the scenario's captured
 * {@code /proc/self} beside it.
 */
public final class CgroupTree {
    /** The cgroup module's fixtures, seen from this module's directory. */
    static final Path RESOURCES = Path.of("..", "cgroup", "src", "test", "resources");

    private final Path root;
    private final String scenario;

    private CgroupTree(Path root, String scenario) {
        this.root = root;
        this.scenario = scenario;
    }

    /** The captured VM tree: foo.service under system.slice, CPUQuota=50%, MemoryMax=64M. */
    public static CgroupTree debian12(Path tempDir) {
        return copy("debian12-systemd252", tempDir);
    }

    public static CgroupTree copy(String scenario, Path into) {
        try {
            FixtureTree.copy(RESOURCES.resolve("cgroupfs").resolve(scenario), into);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new CgroupTree(into, scenario);
    }

    /** The process's cgroup as discovery finds it in this tree. */
    public ProcessCgroup self() throws IOException {
        return Cgroups.self(new ProcFs(RESOURCES.resolve("procfs").resolve(scenario)), new CgroupRoot(root));
    }

    /**
     * Writes {@code content} to {@code file} below the cgroup {@code group} ("/" for the root) in one
     * step, as a kernel file changes: a poll never sees it half written.
     */
    public void write(String group, String file, String content) {
        Path dir = group.equals("/") ? root : root.resolve(group.substring(1));
        try {
            Path next = Files.writeString(dir.resolve("." + file + ".next"), content);
            Files.move(next, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
