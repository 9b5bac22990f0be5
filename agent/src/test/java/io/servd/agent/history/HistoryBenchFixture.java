package io.servd.agent.history;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** What the history benchmark drives from outside the package: a synthetic host and a store. */
public final class HistoryBenchFixture {
    private final SyntheticHost host;
    private final HistoryStore store;
    private final Path dir;

    public HistoryBenchFixture(Path dir, int units, long maxBytes) throws java.io.IOException {
        this.dir = dir;
        this.host = new SyntheticHost(units, Duration.ofSeconds(5), Instant.parse("2026-12-03T00:00:00Z"), 42);
        this.store = HistoryStore.open(dir, Duration.ofDays(7), maxBytes);
    }

    /** The next synthetic frame (not recorded). */
    public Frame next() {
        return host.next();
    }

    /** Records one frame. */
    public void append(Frame frame) {
        store.append(frame);
    }

    /** Bytes of all segments now. */
    public long bytesOnDisk() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(dir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** Decodes one unit from {@code since} to {@code until}, as a history answer does; the samples read. */
    public int readOneUnit(String unit, Instant since, Instant until) {
        int[] n = {0};
        store.read(since, until, unit::equals, f -> {
            n[0] += f.units().size();
            return true;
        });
        return n[0];
    }

    /** Decodes every unit at one moment, as {@code /v1/history?at=} does. */
    public int readAt(Instant at) {
        return store.at(at).map(f -> f.units().size()).orElse(0);
    }

    /** A recorder of the cgroupfs tree at {@code root} (no unit states) into this fixture's store. */
    public java.util.function.LongSupplier recorder(Path root) {
        var recorder = new HistoryRecorder(new io.servd.agent.units.UnitTree(new io.servd.cgroup.fs.CgroupRoot(root)),
                io.servd.agent.units.UnitStates.unavailable("benchmark"), store, Duration.ofSeconds(5),
                java.time.Clock.systemUTC());
        long[] tick = {Instant.parse("2026-12-04T00:00:00Z").getEpochSecond()};
        return () -> {
            Frame f = recorder.read(Instant.ofEpochSecond(tick[0] += 5));
            store.append(f);
            return f.units().size();
        };
    }

    public void close() {
        store.close();
    }
}
