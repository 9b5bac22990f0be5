package io.servd.servctl.top;

import com.fasterxml.jackson.databind.JsonNode;
import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupSnapshot;
import io.servd.cgroup.CpuMax;
import io.servd.cgroup.CpuStat;
import io.servd.cgroup.IoStat;
import io.servd.cgroup.Limit;
import io.servd.cgroup.MemoryEvents;
import io.servd.cgroup.MemoryHigh;
import io.servd.cgroup.MemoryMax;
import io.servd.cgroup.PidsMax;
import io.servd.cgroup.Pressure;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One answer of {@code GET /v1/history?at=} as {@code servctl top} reads a refresh: the recorded tick,
 * each unit's cgroup as a {@link CgroupSnapshot} (the fields {@link TopRows} uses, by the names of the
 * agent's Unit object, agent/API.md), and the unit states. A member that is absent or not a number is
 * an absent value, as a missing cgroup file is when top reads cgroupfs.
 *
 * @param time      the tick the agent used (its {@code time}), µs precision
 * @param snapshots by cgroup path, in the agent's order; {@code nanoTime} is the tick in ns since the epoch
 * @param states    the unit states of the answer
 */
record HistoryFrame(Instant time, Map<String, CgroupSnapshot> snapshots, UnitStates.Snapshot states) {

    /** Reads an answer; {@code time} missing or unparseable is an {@link IllegalArgumentException}. */
    static HistoryFrame parse(JsonNode answer) {
        Instant time = Instant.parse(answer.path("time").asText());
        long nanos = Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000_000L), time.getNano());
        Map<String, CgroupSnapshot> snapshots = new LinkedHashMap<>();
        for (JsonNode u : answer.path("units")) {
            if (u.path("cgroup").isTextual()) {
                String group = u.get("cgroup").asText();
                snapshots.put(group, new CgroupSnapshot(group, nanos, limits(u.path("limits")), usage(u.path("usage")),
                        List.of()));
            }
        }
        return new HistoryFrame(time, snapshots, UnitStates.parse(answer));
    }

    private static CgroupSnapshot.Limits limits(JsonNode l) {
        Optional<CpuMax> cpuMax = Optional.empty();
        if (l.path("cpuMax").path("periodUsec").isNumber()) {
            Duration period = micros(l.path("cpuMax").path("periodUsec").asLong());
            JsonNode quota = l.path("cpuMax").path("quotaUsec");
            cpuMax = Optional.of(quota.isNumber() ? CpuMax.of(micros(quota.asLong()), period) : CpuMax.unlimited(period));
        }
        return new CgroupSnapshot.Limits(bytesLimit(l.path("memoryMaxBytes")).map(MemoryMax::new),
                bytesLimit(l.path("memoryHighBytes")).map(MemoryHigh::new), cpuMax, Optional.empty(), Optional.empty(),
                limit(l.path("pidsMax")).map(PidsMax::new), Optional.empty(), Optional.empty(),
                bytesLimit(l.path("memorySwapMaxBytes")), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    private static CgroupSnapshot.Usage usage(JsonNode u) {
        Optional<CpuStat> cpu = Optional.empty();
        if (u.path("cpuUsageUsec").isNumber()) {
            Optional<CpuStat.Throttling> throttling = u.path("cpuPeriods").isNumber()
                    ? Optional.of(new CpuStat.Throttling(u.path("cpuPeriods").asLong(), u.path("cpuThrottledPeriods").asLong(),
                    micros(u.path("cpuThrottledUsec").asLong()))) : Optional.empty();
            cpu = Optional.of(new CpuStat(micros(u.path("cpuUsageUsec").asLong()), micros(u.path("cpuUserUsec").asLong()),
                    micros(u.path("cpuSystemUsec").asLong()), throttling));
        }
        Optional<IoStat> io = u.path("ioReadBytes").isNumber() ? Optional.of(new IoStat(List.of(new IoStat.Device(0, 0,
                u.path("ioReadBytes").asLong(), u.path("ioWriteBytes").asLong(), 0, 0, Map.of())))) : Optional.empty();
        Optional<MemoryEvents> events = u.path("oomKills").isNumber() ? Optional.of(new MemoryEvents(0, 0, 0,
                u.path("oom").asLong(), u.path("oomKills").asLong(), OptionalLong.empty())) : Optional.empty();
        JsonNode psi = u.path("pressure");
        return new CgroupSnapshot.Usage(cpu, Optional.empty(), bytes(u.path("memoryCurrentBytes")),
                bytes(u.path("memoryPeakBytes")), u.path("pidsCurrent").isNumber()
                ? OptionalLong.of(u.path("pidsCurrent").asLong()) : OptionalLong.empty(), io, events,
                pressure(psi.path("cpu")), pressure(psi.path("memory")), pressure(psi.path("io")), Optional.empty(),
                Optional.empty());
    }

    /** A PSI object's lines; top shows some avg10, the rest is kept as sent. */
    private static Optional<Pressure> pressure(JsonNode p) {
        if (!p.path("someAvg10").isNumber()) {
            return Optional.empty();
        }
        return Optional.of(new Pressure(line(p, "some"), p.path("fullAvg10").isNumber() ? Optional.of(line(p, "full"))
                : Optional.empty()));
    }

    private static Pressure.Line line(JsonNode p, String kind) {
        return new Pressure.Line(p.path(kind + "Avg10").asDouble(), p.path(kind + "Avg60").asDouble(),
                p.path(kind + "Avg300").asDouble(), micros(p.path(kind + "TotalUsec").asLong()));
    }

    /** A limit member: a number, or "max". */
    private static Optional<Limit<Long>> limit(JsonNode v) {
        if (v.isNumber()) {
            return Optional.of(Limit.atMost(v.asLong()));
        }
        return "max".equals(v.asText(null)) ? Optional.of(Limit.unlimited()) : Optional.empty();
    }

    private static Optional<Limit<ByteSize>> bytesLimit(JsonNode v) {
        return limit(v).map(l -> l instanceof Limit.AtMost<Long> a ? Limit.atMost(ByteSize.ofBytes(a.value()))
                : Limit.unlimited());
    }

    private static Optional<ByteSize> bytes(JsonNode v) {
        return v.isNumber() ? Optional.of(ByteSize.ofBytes(v.asLong())) : Optional.empty();
    }

    private static Duration micros(long us) {
        return Duration.ofNanos(Math.multiplyExact(us, 1000L));
    }
}
