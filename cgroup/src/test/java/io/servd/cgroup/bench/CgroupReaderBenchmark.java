package io.servd.cgroup.bench;

import io.servd.cgroup.CgroupReader;
import io.servd.cgroup.CgroupSnapshot;
import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupFile;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.testsupport.FixtureTree;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reads N cgroups laid out like a busy host with the one {@link CgroupReader}: N copies of the
 * v2-service-synthetic web.service files (limits, cpu.stat, memory.current, pids.current, io.stat,
 * memory.events, three PSI files) under a temporary directory.
 * Run: {@code java -cp <test classpath> org.openjdk.jmh.Main CgroupReaderBenchmark}; time per operation
 * divided by N is the cost per cgroup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CgroupReaderBenchmark {

    @Param("1000")
    public int cgroups;

    /** {@code all}: every file of a snapshot; {@code top}: the 14 servctl top shows (its TopRows.FILES). */
    @Param({"all", "top"})
    public String files;

    private Path tree;
    private List<CgroupDir> dirs;
    private CgroupReader reader;

    @Setup
    public void buildTree() throws IOException, URISyntaxException {
        reader = files.equals("all") ? new CgroupReader() : new CgroupReader(System::nanoTime, EnumSet.of(
                CgroupFile.CPU_STAT, CgroupFile.MEMORY_CURRENT, CgroupFile.PIDS_CURRENT, CgroupFile.IO_STAT,
                CgroupFile.MEMORY_MAX, CgroupFile.CPU_MAX, CgroupFile.CPU_PRESSURE, CgroupFile.MEMORY_PRESSURE,
                CgroupFile.IO_PRESSURE, CgroupFile.MEMORY_EVENTS, CgroupFile.PIDS_MAX, CgroupFile.MEMORY_HIGH,
                CgroupFile.MEMORY_SWAP_CURRENT, CgroupFile.MEMORY_SWAP_MAX));
        Path source = Path.of(CgroupReaderBenchmark.class
                .getResource("/cgroupfs/v2-service-synthetic/system.slice/web.service").toURI());
        tree = Files.createTempDirectory("servd-reader-bench");
        CgroupRoot root = new CgroupRoot(tree);
        dirs = new ArrayList<>(cgroups);
        List<Path> files;
        try (Stream<Path> s = Files.list(source)) {
            files = s.toList();
        }
        for (int i = 0; i < cgroups; i++) {
            CgroupDir dir = root.resolve("/system.slice/unit-" + i + ".service");
            Files.createDirectories(dir.path());
            for (Path f : files) {
                Files.copy(f, dir.path().resolve(f.getFileName()));
            }
            dirs.add(dir);
        }
    }

    @TearDown
    public void deleteTree() throws IOException {
        FixtureTree.delete(tree);
    }

    @Benchmark
    public List<CgroupSnapshot> readAll() {
        return reader.read(dirs);
    }
}
