package io.servd.agent.history;

import io.servd.agent.units.ActiveState;
import io.servd.agent.units.UnitState;
import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupSnapshot;
import io.servd.cgroup.CpuMax;
import io.servd.cgroup.CpuStat;
import io.servd.cgroup.CpuWeight;
import io.servd.cgroup.IoStat;
import io.servd.cgroup.Limit;
import io.servd.cgroup.MemoryEvents;
import io.servd.cgroup.MemoryHigh;
import io.servd.cgroup.MemoryMax;
import io.servd.cgroup.PidsMax;
import io.servd.cgroup.Pressure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;

/**
 * A host of N services whose series look like a real host's (synthetic, seeded): memory.current
 * wandering a few pages a tick, cpu.stat counters rising by a few ms, io.stat now and then, PSI
 * mostly 0.00 with a rare burst, and limits, state and memory.events constant. Tests and the
 * benchmark record it.
 */
final class SyntheticHost {
    private final Random random;
    private final List<Unit> units = new ArrayList<>();
    private final Duration interval;
    private Instant time;

    private static final class Unit {
        final String name;
        long cpu, throttledUsec, periods, throttled, memory, io, psiTotal;
        double psi;
        int pids;

        Unit(String name, Random random) {
            this.name = name;
            this.memory = (32L << 20) + random.nextInt(256) * 4096L * 64;
            this.pids = 1 + random.nextInt(40);
            this.cpu = random.nextInt(1_000_000_000);
        }
    }

    SyntheticHost(int count, Duration interval, Instant start, long seed) {
        this.random = new Random(seed);
        this.interval = interval;
        this.time = start;
        for (int i = 0; i < count; i++) {
            units.add(new Unit("synthetic-" + i + ".service", random));
        }
    }

    /** The next tick's frame. */
    Frame next() {
        List<UnitSample> samples = new ArrayList<>(units.size());
        for (Unit u : units) {
            step(u);
            samples.add(sample(u));
        }
        Frame frame = new Frame(time, samples);
        time = time.plus(interval);
        return frame;
    }

    private void step(Unit u) {
        long busy = random.nextInt(20) == 0 ? random.nextInt(2_000_000) : random.nextInt(20_000);
        u.cpu += busy;
        u.periods += random.nextInt(50);
        if (busy > 1_000_000) {
            u.throttled += 1 + random.nextInt(5);
            u.throttledUsec += random.nextInt(100_000);
        }
        u.memory = Math.max(4096, u.memory + (random.nextInt(9) - 4) * 4096L);
        if (random.nextInt(10) == 0) {
            u.io += random.nextInt(1 << 20);
        }
        if (random.nextInt(200) == 0) {
            u.psi = random.nextInt(3000) / 100.0;
            u.psiTotal += random.nextInt(500_000);
        } else if (u.psi > 0) {
            u.psi = Math.max(0, Math.round(u.psi * 80) / 100.0);
        }
        if (random.nextInt(500) == 0) {
            u.pids += random.nextBoolean() ? 1 : -1;
            u.pids = Math.max(1, u.pids);
        }
    }

    private UnitSample sample(Unit u) {
        var limits = new CgroupSnapshot.Limits(Optional.of(MemoryMax.of(ByteSize.ofMebibytes(512))),
                Optional.of(new MemoryHigh(Limit.unlimited())),
                Optional.of(CpuMax.of(Duration.ofMillis(50), CpuMax.DEFAULT_PERIOD)), Optional.of(CpuWeight.DEFAULT),
                Optional.of(false), Optional.of(new PidsMax(Limit.atMost(4915L))));
        var cpu = new CpuStat(micros(u.cpu), micros(u.cpu * 7 / 10), micros(u.cpu - u.cpu * 7 / 10),
                Optional.of(new CpuStat.Throttling(u.periods, u.throttled, micros(u.throttledUsec))));
        var some = new Pressure.Line(u.psi, u.psi / 2, 0.0, micros(u.psiTotal));
        var none = new Pressure.Line(0, 0, 0, Duration.ZERO);
        var usage = new CgroupSnapshot.Usage(Optional.of(cpu), Optional.empty(), Optional.of(ByteSize.ofBytes(u.memory)),
                Optional.empty(), OptionalLong.of(u.pids),
                Optional.of(new IoStat(List.of(new IoStat.Device(0, 0, u.io, u.io / 3, 0, 0, Map.of())))),
                Optional.of(new MemoryEvents(0, 0, 0, 0, 0, OptionalLong.empty())),
                Optional.of(new Pressure(some, Optional.of(none))), Optional.of(new Pressure(none, Optional.of(none))),
                Optional.of(new Pressure(none, Optional.of(none))), Optional.empty(), Optional.empty());
        var state = new UnitState(u.name, ActiveState.ACTIVE, "running", Optional.of("success"), OptionalLong.of(0),
                Optional.of(Instant.parse("2026-12-01T00:00:00Z")), OptionalLong.of(1000 + u.pids));
        return new UnitSample(u.name, Optional.of(new CgroupSnapshot("/system.slice/" + u.name, 0, limits, usage, List.of())),
                Optional.of(state));
    }

    private static Duration micros(long us) {
        return Duration.ofNanos(us * 1000L);
    }
}
