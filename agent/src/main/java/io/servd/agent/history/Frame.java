package io.servd.agent.history;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Every unit recorded at one tick: the unit of writing (one record on disk, written whole or not at
 * all) and of loss (a kill -9 loses at most the frame being written).
 *
 * @param time  the tick, a multiple of the interval since the epoch, when the reading started
 * @param units the units read at that tick
 */
public record Frame(Instant time, List<UnitSample> units) {
    public Frame {
        Objects.requireNonNull(time, "time");
        units = List.copyOf(units);
    }

    /** {@link #time} in µs since the epoch, as the answers' {@code timeUsec} gives it. */
    public long timeMicros() {
        return Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1000L);
    }

    static Instant ofMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }
}
