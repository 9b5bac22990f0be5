package io.servd.agent.history.bench;

import io.servd.agent.history.Frame;
import io.servd.agent.history.HistoryBenchFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
 * The recording side of history at N units (SyntheticHost: memory wandering a few pages a tick,
 * monotone cpu.stat counters, io now and then, rare PSI bursts, constant limits and state): the cost
 * of encoding and appending one frame (every unit at one tick) to a store in a temp dir, cgroupfs
 * reads excluded (CgroupReaderBenchmark measures those). Per-frame time divided by N is the CPU per
 * unit sample. Setup records a synthetic day first and prints the bytes it took on disk, from which
 * bytes per unit per day follow.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HistoryBenchmark {
    /** A day at the default 5 s interval. */
    static final int FRAMES_PER_DAY = (int) (Duration.ofDays(1).toSeconds() / 5);

    @Param("1000")
    public int units;

    private Path dir;
    private HistoryBenchFixture fixture;
    private Frame[] frames;
    private int next;

    @Setup(Level.Trial)
    public void recordADay() throws IOException {
        dir = Files.createTempDirectory("servd-history-bench");
        var day = new HistoryBenchFixture(dir.resolve("day"), units, 1L << 40);
        long cpu = 0;
        for (int i = 0; i < FRAMES_PER_DAY; i++) {
            Frame f = day.next();
            long t0 = System.nanoTime();
            day.append(f);
            cpu += System.nanoTime() - t0;
        }
        day.close();
        long bytes = day.bytesOnDisk();
        System.out.printf("# %d units, %d frames (one day at 5 s): %d bytes on disk = %.1f bytes per unit per day"
                        + " (%.2f bytes per unit sample); append %.1f us per frame in setup%n", units, FRAMES_PER_DAY,
                bytes, (double) bytes / units, (double) bytes / units / FRAMES_PER_DAY, cpu / 1e3 / FRAMES_PER_DAY);
        var midnight = java.time.Instant.parse("2026-12-03T00:00:00Z");
        for (int round = 0; round < 3; round++) { // the first rounds warm the JIT up
            long t0 = System.nanoTime();
            int n = day.readOneUnit("synthetic-500.service", midnight, midnight.plus(Duration.ofDays(1)));
            long t1 = System.nanoTime();
            int hour = day.readOneUnit("synthetic-500.service", midnight.plus(Duration.ofHours(23)),
                    midnight.plus(Duration.ofDays(1)));
            long t2 = System.nanoTime();
            int all = day.readAt(java.time.Instant.parse("2026-12-03T12:14:58Z"));
            long t3 = System.nanoTime();
            System.out.printf("# round %d: one unit's day read back (%d samples) %.1f ms; its last hour (%d samples) %.1f ms;"
                    + " every unit at one moment (%d units, 14 min after a keyframe) %.1f ms%n", round, n, (t1 - t0) / 1e6,
                    hour, (t2 - t1) / 1e6, all, (t3 - t2) / 1e6);
        }
        fixture = new HistoryBenchFixture(dir.resolve("bench"), units, 1L << 40);
        frames = new Frame[720];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = fixture.next();
        }
    }

    /** One frame of every unit, encoded and written (frames cycle; their times move on). */
    @Benchmark
    public void appendFrame() {
        Frame f = frames[next % frames.length];
        fixture.append(new Frame(f.time().plusSeconds(3600L * (next / frames.length)), f.units()));
        next++;
    }

    @TearDown(Level.Trial)
    public void removeDir() throws IOException {
        fixture.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
