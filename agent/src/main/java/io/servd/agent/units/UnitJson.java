package io.servd.agent.units;

import com.fasterxml.jackson.core.JsonGenerator;
import io.servd.cgroup.ByteSize;
import io.servd.cgroup.IoMax;
import io.servd.cgroup.CgroupSnapshot;
import io.servd.cgroup.CpuStat;
import io.servd.cgroup.Limit;
import io.servd.cgroup.PidsMax;
import io.servd.cgroup.Pressure;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The JSON shapes of agent/API.md for a unit's {@link CgroupSnapshot}: a limit is a number or
 * {@code "max"}; an absent file is an absent key; a broken file is an absent key plus one message in
 * {@code errors}; durations are integer microseconds ({@code …Usec}), sizes bytes.
 */
public final class UnitJson {

    private UnitJson() {
    }

    /** {@code {"unit", "cgroup", "limits", "usage", "errors"?}} for {@code unit}'s snapshot. */
    public static void writeUnit(JsonGenerator json, String unit, CgroupSnapshot snapshot) throws IOException {
        writeUnit(json, unit, Optional.of(snapshot), Optional.empty());
    }

    /**
     * The Unit object: {@code unit}, then systemd's state fields when the state is known
     * ({@link #writeState}), then {@code cgroup}, {@code limits}, {@code usage}, {@code errors}? when
     * the unit has a cgroup. A failed or stopped unit has state and no cgroup fields.
     */
    public static void writeUnit(JsonGenerator json, String unit, Optional<CgroupSnapshot> snapshot,
                                 Optional<UnitState> state) throws IOException {
        json.writeStartObject();
        json.writeStringField("unit", unit);
        writeFields(json, snapshot, state);
        json.writeEndObject();
    }

    /**
     * The Unit object of {@code GET /v1/units?fields=state}: {@code unit}, systemd's state fields when
     * the state is known ({@link #writeState}), and {@code cgroup} when the unit has one; no limits,
     * usage or errors (nothing of the cgroup was read).
     */
    public static void writeUnitState(JsonGenerator json, String unit, Optional<String> cgroup,
                                      Optional<UnitState> state) throws IOException {
        json.writeStartObject();
        json.writeStringField("unit", unit);
        if (state.isPresent()) {
            writeState(json, state.get());
        }
        if (cgroup.isPresent()) {
            json.writeStringField("cgroup", cgroup.get());
        }
        json.writeEndObject();
    }

    /**
     * The Unit object's members after {@code unit}, into the current object: state fields, then
     * {@code cgroup}, {@code limits}, {@code usage}, {@code errors}?. A history sample is these after its
     * {@code time} and {@code timeUsec}.
     */
    public static void writeFields(JsonGenerator json, Optional<CgroupSnapshot> snapshot, Optional<UnitState> state)
            throws IOException {
        if (state.isPresent()) {
            writeState(json, state.get());
        }
        if (snapshot.isPresent()) {
            json.writeStringField("cgroup", snapshot.get().group());
            json.writeFieldName("limits");
            writeLimits(json, snapshot.get().limits());
            json.writeFieldName("usage");
            writeUsage(json, snapshot.get().usage());
            writeErrors(json, snapshot.get().errors());
        }
    }

    /**
     * systemd's state fields, into the current object: {@code activeState}, {@code subState}, and when
     * the unit type has them {@code result}, {@code nRestarts}, {@code mainPid}; {@code activeEnterTimestamp}
     * (ISO-8601, UTC) and {@code activeEnterTimestampUsec} (µs since the epoch, as systemd sends it) once
     * the unit was ever active.
     */
    public static void writeState(JsonGenerator json, UnitState state) throws IOException {
        json.writeStringField("activeState", state.activeState().wire());
        json.writeStringField("subState", state.subState());
        if (state.result().isPresent()) {
            json.writeStringField("result", state.result().get());
        }
        if (state.nRestarts().isPresent()) {
            json.writeNumberField("nRestarts", state.nRestarts().getAsLong());
        }
        if (state.activeEnter().isPresent()) {
            json.writeStringField("activeEnterTimestamp", state.activeEnter().get().toString());
            json.writeNumberField("activeEnterTimestampUsec", state.activeEnterMicros().getAsLong());
        }
        if (state.mainPid().isPresent()) {
            json.writeNumberField("mainPid", state.mainPid().getAsLong());
        }
    }

    /** The {@code errors} array, one message per broken file (file and raw value in brackets); nothing when there are none. */
    public static void writeErrors(JsonGenerator json, List<IOException> errors) throws IOException {
        if (errors.isEmpty()) {
            return;
        }
        json.writeArrayFieldStart("errors");
        for (IOException e : errors) {
            json.writeString(String.valueOf(e.getMessage()));
        }
        json.writeEndArray();
    }

    /** The Limits object. */
    public static void writeLimits(JsonGenerator json, CgroupSnapshot.Limits limits) throws IOException {
        json.writeStartObject();
        limit(json, "memoryMaxBytes", limits.memoryMax().map(m -> map(m.limit(), ByteSize::bytes)));
        limit(json, "memoryHighBytes", limits.memoryHigh().map(m -> map(m.limit(), ByteSize::bytes)));
        if (limits.cpuMax().isPresent()) {
            var cpuMax = limits.cpuMax().get();
            json.writeObjectFieldStart("cpuMax");
            limit(json, "quotaUsec", Optional.of(map(cpuMax.quota(), UnitJson::micros)));
            json.writeNumberField("periodUsec", micros(cpuMax.period()));
            json.writeEndObject();
        }
        if (limits.cpuWeight().isPresent()) {
            json.writeNumberField("cpuWeight", limits.cpuWeight().get().weight());
        }
        if (limits.cpuIdle().isPresent()) {
            json.writeBooleanField("cpuIdle", limits.cpuIdle().get());
        }
        limit(json, "pidsMax", limits.pidsMax().map(PidsMax::limit));
        limit(json, "memoryMinBytes", limits.memoryMin().map(l -> map(l, ByteSize::bytes)));
        limit(json, "memoryLowBytes", limits.memoryLow().map(l -> map(l, ByteSize::bytes)));
        limit(json, "memorySwapMaxBytes", limits.memorySwapMax().map(l -> map(l, ByteSize::bytes)));
        limit(json, "memoryZswapMaxBytes", limits.memoryZswapMax().map(l -> map(l, ByteSize::bytes)));
        if (limits.cpusetCpus().isPresent()) { // the kernel's cpu list, "" when unrestricted
            json.writeStringField("cpusetCpus", limits.cpusetCpus().get().formatCgroup());
        }
        if (limits.cpusetMems().isPresent()) {
            json.writeStringField("cpusetMems", limits.cpusetMems().get().formatCgroup());
        }
        if (limits.ioWeight().isPresent()) {
            json.writeObjectFieldStart("ioWeight");
            json.writeNumberField("default", limits.ioWeight().get().defaultWeight());
            for (var device : limits.ioWeight().get().devices().entrySet()) {
                json.writeNumberField(device.getKey(), device.getValue());
            }
            json.writeEndObject();
        }
        if (limits.ioMax().isPresent()) {
            json.writeArrayFieldStart("ioMax");
            for (IoMax.Device d : limits.ioMax().get().devices()) {
                json.writeStartObject();
                json.writeStringField("device", d.device());
                limit(json, "rbps", Optional.of(d.rbps()));
                limit(json, "wbps", Optional.of(d.wbps()));
                limit(json, "riops", Optional.of(d.riops()));
                limit(json, "wiops", Optional.of(d.wiops()));
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    /** The Usage object. */
    public static void writeUsage(JsonGenerator json, CgroupSnapshot.Usage usage) throws IOException {
        json.writeStartObject();
        if (usage.cpu().isPresent()) {
            CpuStat cpu = usage.cpu().get();
            json.writeNumberField("cpuUsageUsec", micros(cpu.usage()));
            json.writeNumberField("cpuUserUsec", micros(cpu.user()));
            json.writeNumberField("cpuSystemUsec", micros(cpu.system()));
            if (cpu.throttling().isPresent()) {
                var t = cpu.throttling().get();
                json.writeNumberField("cpuPeriods", t.periods());
                json.writeNumberField("cpuThrottledPeriods", t.throttledPeriods());
                json.writeNumberField("cpuThrottledUsec", micros(t.throttledTime()));
            }
        }
        number(json, "memoryCurrentBytes", usage.memoryCurrent().map(ByteSize::bytes));
        number(json, "memoryPeakBytes", usage.memoryPeak().map(ByteSize::bytes));
        if (usage.pidsCurrent().isPresent()) {
            json.writeNumberField("pidsCurrent", usage.pidsCurrent().getAsLong());
        }
        if (usage.io().isPresent()) {
            json.writeNumberField("ioReadBytes", usage.io().get().readBytes());
            json.writeNumberField("ioWriteBytes", usage.io().get().writeBytes());
        }
        if (usage.memoryEvents().isPresent()) {
            json.writeNumberField("oom", usage.memoryEvents().get().oom());
            json.writeNumberField("oomKills", usage.memoryEvents().get().oomKill());
        }
        if (usage.cpuPressure().isPresent() || usage.memoryPressure().isPresent() || usage.ioPressure().isPresent()) {
            json.writeObjectFieldStart("pressure");
            pressure(json, "cpu", usage.cpuPressure());
            pressure(json, "memory", usage.memoryPressure());
            pressure(json, "io", usage.ioPressure());
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void pressure(JsonGenerator json, String name, Optional<Pressure> pressure) throws IOException {
        if (pressure.isEmpty()) {
            return;
        }
        json.writeObjectFieldStart(name);
        line(json, "some", pressure.get().some());
        if (pressure.get().full().isPresent()) {
            line(json, "full", pressure.get().full().get());
        }
        json.writeEndObject();
    }

    private static void line(JsonGenerator json, String kind, Pressure.Line line) throws IOException {
        json.writeNumberField(kind + "Avg10", line.avg10());
        json.writeNumberField(kind + "Avg60", line.avg60());
        json.writeNumberField(kind + "Avg300", line.avg300());
        json.writeNumberField(kind + "TotalUsec", micros(line.total()));
    }

    private static <T> Limit<Long> map(Limit<T> limit, java.util.function.Function<T, Long> f) {
        return limit instanceof Limit.AtMost<T> atMost ? new Limit.AtMost<>(f.apply(atMost.value())) : new Limit.Unlimited<>();
    }

    private static void limit(JsonGenerator json, String name, Optional<Limit<Long>> limit) throws IOException {
        if (limit.isEmpty()) {
            return;
        }
        if (limit.get() instanceof Limit.AtMost<Long> atMost) {
            json.writeNumberField(name, atMost.value());
        } else {
            json.writeStringField(name, "max");
        }
    }

    private static void number(JsonGenerator json, String name, Optional<Long> value) throws IOException {
        if (value.isPresent()) {
            json.writeNumberField(name, value.get());
        }
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1000L;
    }
}
