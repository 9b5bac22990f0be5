package io.servd.agent.history.bench;

import io.servd.agent.history.HistoryBenchFixture;
import io.servd.agent.metrics.MetricsBenchFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole tick of the recorder at N units, as servd runs it: list the unit tree, read each unit's
 * cgroup files (CgroupReader: limits, cpu.stat, memory.*, pids, io.stat, PSI), then encode and append
 * the frame. The tree is MetricsFixture's (copies of a captured web.service) in a temp dir (tmpfs at
 * /dev/shm), so the reads cost what kernfs reads cost only roughly; HistoryBenchmark has the encoder alone.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HistoryRecordBenchmark {

    @Param("1000")
    public int units;

    private Path dir;
    private HistoryBenchFixture fixture;
    private LongSupplier tick;

    @Setup(Level.Trial)
    public void buildTree() throws IOException {
        dir = Files.createTempDirectory("servd-history-record-bench");
        Path root = MetricsBenchFixture.tree(Files.createDirectory(dir.resolve("cgroup")), units);
        fixture = new HistoryBenchFixture(dir.resolve("history"), 0, 1L << 40);
        tick = fixture.recorder(root);
        System.out.println("# one tick records " + tick.getAsLong() + " units");
    }

    @Benchmark
    public long recordTick() {
        return tick.getAsLong();
    }

    @TearDown(Level.Trial)
    public void removeDir() throws IOException {
        fixture.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
