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
import io.servd.cgroup.fs.CgroupFile;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A {@link UnitSample} as the store keeps it: {@value #FIELDS} numbers, each there or not (one bit of
 * {@code mask} per field), in {@link #GROUPS} that change together (state, limits, cpu.stat, memory
 * and pids, io.stat, memory.events, PSI of cpu, memory and io, then memory.current's sub-page bytes). Only what a unit answer shows of
 * these is kept: not {@code memory.stat}, per-device I/O, cpusets, io.max/io.weight or read errors.
 *
 * <p>On-disk encodings (never seen outside this class): durations in µs; {@code system_usec} as
 * its difference to {@code usage_usec - user_usec} (the kernel splits usage into the two, so this is
 * 0 or a rounding µs); {@code memory.current} in 4 KiB pages plus a remainder; a limit as 0 for
 * {@code max} and bytes + 1 otherwise (no value is negative); a PSI average in hundredths (the kernel
 * prints {@code %lu.%02lu}, so this is exact); a word (cgroup path, SubState, Result) as its id in the
 * segment's string table ({@link Strings}).
 */
final class SampleVector {
    static final int GROUP = 0, ACTIVE = 1, SUB = 2, RESULT = 3, RESTARTS = 4, ACTIVE_ENTER = 5, MAIN_PID = 6;
    static final int MEMORY_MAX = 7, MEMORY_HIGH = 8, CPU_QUOTA = 9, CPU_PERIOD = 10, CPU_WEIGHT = 11, CPU_IDLE = 12,
            PIDS_MAX = 13, MEMORY_MIN = 14, MEMORY_LOW = 15, SWAP_MAX = 16;
    static final int CPU_USAGE = 17, CPU_USER = 18, CPU_SYSTEM = 19, CPU_PERIODS = 20, CPU_THROTTLED = 21,
            CPU_THROTTLED_USEC = 22;
    static final int MEMORY_CURRENT = 23, MEMORY_PEAK = 24, PIDS_CURRENT = 25, IO_READ = 26, IO_WRITE = 27;
    static final int EVENTS_LOW = 28, EVENTS_HIGH = 29, EVENTS_MAX = 30, EVENTS_OOM = 31, EVENTS_OOM_KILL = 32;
    /** First field of each PSI resource: some avg10, avg60, avg300, total, then full's four. */
    static final int PSI_CPU = 33, PSI_MEMORY = 41, PSI_IO = 49;
    /** memory.current's bytes below a page (the kernel charges pages: almost always 0, and unchanged). */
    static final int MEMORY_CURRENT_TAIL = 57;
    static final int FIELDS = 58;
    /** Group boundaries: group g is fields [GROUPS[g], GROUPS[g + 1]). */
    static final int[] GROUPS = {GROUP, MEMORY_MAX, CPU_USAGE, MEMORY_CURRENT, IO_READ, EVENTS_LOW, PSI_CPU, PSI_MEMORY,
        PSI_IO, MEMORY_CURRENT_TAIL, FIELDS};
    private static final int PAGE_SHIFT = 12;
    /**
     * The cgroup files these fields come from, all that the recorder reads of a unit: 18 of the 25 a
     * full snapshot holds; not {@code memory.stat} (the longest), the cpusets, {@code io.weight},
     * {@code io.max}, {@code memory.zswap.max} or {@code memory.swap.current}.
     */
    static final Set<CgroupFile> FILES = Collections.unmodifiableSet(EnumSet.of(CgroupFile.MEMORY_MAX,
            CgroupFile.MEMORY_HIGH, CgroupFile.CPU_MAX, CgroupFile.CPU_WEIGHT, CgroupFile.CPU_IDLE, CgroupFile.PIDS_MAX,
            CgroupFile.MEMORY_MIN, CgroupFile.MEMORY_LOW, CgroupFile.MEMORY_SWAP_MAX, CgroupFile.CPU_STAT,
            CgroupFile.MEMORY_CURRENT, CgroupFile.MEMORY_PEAK, CgroupFile.PIDS_CURRENT, CgroupFile.IO_STAT,
            CgroupFile.MEMORY_EVENTS, CgroupFile.CPU_PRESSURE, CgroupFile.MEMORY_PRESSURE, CgroupFile.IO_PRESSURE));

    /** The segment's words: ids for cgroup paths, SubStates and Results, and back. */
    interface Strings {
        long id(String word);

        String word(long id);
    }

    private final long[] values = new long[FIELDS];
    private long mask;

    long mask() {
        return mask;
    }

    /** For the decoder, which fills {@link #values()} itself. */
    void setMask(long value) {
        mask = value;
    }

    long[] values() {
        return values;
    }

    /** {@code sample} as numbers; this vector is overwritten. */
    SampleVector fill(UnitSample sample, Strings strings) {
        mask = 0;
        java.util.Arrays.fill(values, 0);
        sample.state().ifPresent(s -> {
            set(ACTIVE, s.activeState().ordinal());
            set(SUB, strings.id(s.subState()));
            s.result().ifPresent(r -> set(RESULT, strings.id(r)));
            s.nRestarts().ifPresent(n -> set(RESTARTS, n));
            s.activeEnterMicros().ifPresent(us -> set(ACTIVE_ENTER, us));
            s.mainPid().ifPresent(pid -> set(MAIN_PID, pid));
        });
        sample.cgroup().ifPresent(c -> fill(c, strings));
        return this;
    }

    private void fill(CgroupSnapshot c, Strings strings) {
        set(GROUP, strings.id(c.group()));
        var l = c.limits();
        l.memoryMax().ifPresent(m -> set(MEMORY_MAX, bytes(m.limit())));
        l.memoryHigh().ifPresent(m -> set(MEMORY_HIGH, bytes(m.limit())));
        l.cpuMax().ifPresent(m -> {
            set(CPU_QUOTA, m.quota() instanceof Limit.AtMost<Duration> q ? micros(q.value()) + 1 : 0);
            set(CPU_PERIOD, micros(m.period()));
        });
        l.cpuWeight().ifPresent(w -> set(CPU_WEIGHT, w.weight()));
        l.cpuIdle().ifPresent(idle -> set(CPU_IDLE, idle ? 1 : 0));
        l.pidsMax().ifPresent(p -> set(PIDS_MAX, p.limit() instanceof Limit.AtMost<Long> a ? a.value() + 1 : 0));
        l.memoryMin().ifPresent(m -> set(MEMORY_MIN, bytes(m)));
        l.memoryLow().ifPresent(m -> set(MEMORY_LOW, bytes(m)));
        l.memorySwapMax().ifPresent(m -> set(SWAP_MAX, bytes(m)));
        var u = c.usage();
        u.cpu().ifPresent(cpu -> {
            set(CPU_USAGE, micros(cpu.usage()));
            set(CPU_USER, micros(cpu.user()));
            set(CPU_SYSTEM, micros(cpu.system()) - (micros(cpu.usage()) - micros(cpu.user())));
            cpu.throttling().ifPresent(t -> {
                set(CPU_PERIODS, t.periods());
                set(CPU_THROTTLED, t.throttledPeriods());
                set(CPU_THROTTLED_USEC, micros(t.throttledTime()));
            });
        });
        u.memoryCurrent().ifPresent(m -> {
            set(MEMORY_CURRENT, m.bytes() >>> PAGE_SHIFT);
            set(MEMORY_CURRENT_TAIL, m.bytes() & ((1 << PAGE_SHIFT) - 1));
        });
        u.memoryPeak().ifPresent(m -> set(MEMORY_PEAK, m.bytes()));
        u.pidsCurrent().ifPresent(p -> set(PIDS_CURRENT, p));
        u.io().ifPresent(io -> {
            set(IO_READ, io.readBytes());
            set(IO_WRITE, io.writeBytes());
        });
        u.memoryEvents().ifPresent(e -> {
            set(EVENTS_LOW, e.low());
            set(EVENTS_HIGH, e.high());
            set(EVENTS_MAX, e.max());
            set(EVENTS_OOM, e.oom());
            set(EVENTS_OOM_KILL, e.oomKill());
        });
        u.cpuPressure().ifPresent(p -> pressure(PSI_CPU, p));
        u.memoryPressure().ifPresent(p -> pressure(PSI_MEMORY, p));
        u.ioPressure().ifPresent(p -> pressure(PSI_IO, p));
    }

    private void pressure(int first, Pressure p) {
        line(first, p.some());
        p.full().ifPresent(full -> line(first + 4, full));
    }

    private void line(int first, Pressure.Line line) {
        set(first, Math.round(line.avg10() * 100));
        set(first + 1, Math.round(line.avg60() * 100));
        set(first + 2, Math.round(line.avg300() * 100));
        set(first + 3, micros(line.total()));
    }

    private void set(int field, long value) {
        values[field] = value;
        mask |= 1L << field;
    }

    /** The sample these numbers stand for (what {@link #fill} kept of it). */
    UnitSample toSample(String unit, Strings strings) {
        Optional<UnitState> state = Optional.empty();
        if (has(ACTIVE) && has(SUB)) {
            state = Optional.of(new UnitState(unit, ActiveState.values()[(int) values[ACTIVE]], strings.word(values[SUB]),
                    has(RESULT) ? Optional.of(strings.word(values[RESULT])) : Optional.empty(), optional(RESTARTS),
                    has(ACTIVE_ENTER) ? Optional.of(Frame.ofMicros(values[ACTIVE_ENTER])) : Optional.empty(),
                    optional(MAIN_PID)));
        }
        if (!has(GROUP)) {
            return new UnitSample(unit, Optional.empty(), state);
        }
        var limits = new CgroupSnapshot.Limits(
                has(MEMORY_MAX) ? Optional.of(new MemoryMax(limit(MEMORY_MAX))) : Optional.empty(),
                has(MEMORY_HIGH) ? Optional.of(new MemoryHigh(limit(MEMORY_HIGH))) : Optional.empty(),
                has(CPU_QUOTA) && has(CPU_PERIOD) ? Optional.of(new CpuMax(values[CPU_QUOTA] == 0 ? Limit.unlimited()
                        : Limit.atMost(duration(values[CPU_QUOTA] - 1)), duration(values[CPU_PERIOD]))) : Optional.empty(),
                has(CPU_WEIGHT) ? Optional.of(new CpuWeight((int) values[CPU_WEIGHT])) : Optional.empty(),
                has(CPU_IDLE) ? Optional.of(values[CPU_IDLE] == 1) : Optional.empty(),
                has(PIDS_MAX) ? Optional.of(new PidsMax(values[PIDS_MAX] == 0 ? Limit.unlimited()
                        : Limit.atMost(values[PIDS_MAX] - 1))) : Optional.empty(),
                has(MEMORY_MIN) ? Optional.of(limit(MEMORY_MIN)) : Optional.empty(),
                has(MEMORY_LOW) ? Optional.of(limit(MEMORY_LOW)) : Optional.empty(),
                has(SWAP_MAX) ? Optional.of(limit(SWAP_MAX)) : Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        Optional<CpuStat> cpu = Optional.empty();
        if (has(CPU_USAGE)) {
            long system = values[CPU_SYSTEM] + values[CPU_USAGE] - values[CPU_USER];
            cpu = Optional.of(new CpuStat(duration(values[CPU_USAGE]), duration(values[CPU_USER]),
                    duration(system), has(CPU_PERIODS) ? Optional.of(new CpuStat.Throttling(values[CPU_PERIODS],
                    values[CPU_THROTTLED], duration(values[CPU_THROTTLED_USEC]))) : Optional.empty()));
        }
        // io.stat's sums as one device: the answers show the sums only (per-device I/O is not kept)
        Optional<IoStat> io = has(IO_READ) ? Optional.of(new IoStat(List.of(new IoStat.Device(0, 0, values[IO_READ],
                values[IO_WRITE], 0, 0, Map.of())))) : Optional.empty();
        Optional<MemoryEvents> events = has(EVENTS_OOM) ? Optional.of(new MemoryEvents(values[EVENTS_LOW],
                values[EVENTS_HIGH], values[EVENTS_MAX], values[EVENTS_OOM], values[EVENTS_OOM_KILL], OptionalLong.empty()))
                : Optional.empty();
        Optional<ByteSize> current = has(MEMORY_CURRENT) ? Optional.of(ByteSize.ofBytes((values[MEMORY_CURRENT]
                << PAGE_SHIFT) + values[MEMORY_CURRENT_TAIL])) : Optional.empty();
        var usage = new CgroupSnapshot.Usage(cpu, Optional.empty(), current, bytesOf(MEMORY_PEAK),
                optional(PIDS_CURRENT), io, events, pressure(PSI_CPU), pressure(PSI_MEMORY), pressure(PSI_IO),
                Optional.empty(), Optional.empty());
        return new UnitSample(unit, Optional.of(new CgroupSnapshot(strings.word(values[GROUP]), 0, limits, usage,
                List.of())), state);
    }

    private boolean has(int field) {
        return (mask & (1L << field)) != 0;
    }

    private OptionalLong optional(int field) {
        return has(field) ? OptionalLong.of(values[field]) : OptionalLong.empty();
    }

    private Optional<ByteSize> bytesOf(int field) {
        return has(field) ? Optional.of(ByteSize.ofBytes(values[field])) : Optional.empty();
    }

    private Limit<ByteSize> limit(int field) {
        return values[field] == 0 ? Limit.unlimited() : Limit.atMost(ByteSize.ofBytes(values[field] - 1));
    }

    private Optional<Pressure> pressure(int first) {
        return has(first) ? Optional.of(new Pressure(line(first), has(first + 4) ? Optional.of(line(first + 4))
                : Optional.empty())) : Optional.empty();
    }

    private Pressure.Line line(int first) {
        return new Pressure.Line(values[first] / 100.0, values[first + 1] / 100.0, values[first + 2] / 100.0,
                duration(values[first + 3]));
    }

    private static long bytes(Limit<ByteSize> limit) {
        return limit instanceof Limit.AtMost<ByteSize> a ? a.value().bytes() + 1 : 0;
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1000L;
    }

    private static Duration duration(long micros) {
        return Duration.ofNanos(Math.multiplyExact(micros, 1000L));
    }
}
