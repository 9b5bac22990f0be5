package io.servd.servctl.top;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupMounts;
import io.servd.cgroup.Limit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One {@code servctl top --batch --output json} iteration as a JSON object, keys named like the agent's
 * (agent/API.md): absent values are absent keys, unlimited is {@code "max"}. Always in units (bytes,
 * microseconds), whatever {@code -r} says: raw is the text table's choice.
 */
final class TopJson {

    private TopJson() {
    }

    static Map<String, Object> iteration(TopReader.Frame frame, CgroupMounts mounts, TopView view) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("layout", mounts.layout().label());
        doc.put("v2Controllers", mounts.v2Controllers());
        doc.putAll(rows(frame, view));
        return doc;
    }

    /** An iteration's members after what was read ({@code --replay} reads no cgroupfs): order, counting, rows. */
    static Map<String, Object> rows(TopReader.Frame frame, TopView view) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("order", view.order().label());
        doc.put("counting", frame.counting().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        doc.put("intervalSec", frame.interval().toNanos() / 1e9);
        List<Object> list = new ArrayList<>();
        for (TopRow r : frame.rows()) {
            Map<String, Object> m = row(r, frame.counting());
            Optional.ofNullable(frame.states().byCgroup().get(r.group())).ifPresent(s -> state(m, s));
            list.add(m);
        }
        doc.put("rows", list);
        if (!frame.states().withoutCgroup().isEmpty()) {
            List<Object> units = new ArrayList<>();
            for (UnitStates.State s : frame.states().withoutCgroup()) {
                Map<String, Object> m = new LinkedHashMap<>();
                state(m, s);
                units.add(m);
            }
            doc.put("unitsWithoutCgroup", units); // failed units and others not inactive, as servctl units
        }
        return doc;
    }

    static Map<String, Object> row(TopRow r, TopView.Counting counting) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cgroup", r.group());
        r.tasks().ifPresent(v -> m.put(counting.jsonKey(), v));
        put(m, "cpuPercent", r.cpuPercent());
        r.cpuTime().ifPresent(t -> m.put("cpuUsageUsec", t.toNanos() / 1000));
        r.memory().ifPresent(v -> m.put("memoryBytes", v.bytes()));
        r.memoryMax().ifPresent(v -> m.put("memoryMaxBytes",
                v.limit() instanceof Limit.AtMost<ByteSize> at ? (Object) at.value().bytes() : "max"));
        put(m, "memoryUsedPercent", r.memoryUsedPercent());
        r.cpuMax().ifPresent(v -> m.put("cpuQuotaPercent",
                r.cpuQuotaPercent().isPresent() ? (Object) r.cpuQuotaPercent().getAsDouble() : "max"));
        put(m, "throttledPercent", r.throttledPercent());
        put(m, "ioReadBytesPerSec", r.ioReadPerSec());
        put(m, "ioWriteBytesPerSec", r.ioWritePerSec());
        put(m, "pressureSomeAvg10", r.pressureAvg10());
        r.oomKills().ifPresent(v -> m.put("oomKills", v));
        r.pidsMax().ifPresent(v -> m.put("pidsMax",
                v.limit() instanceof Limit.AtMost<Long> at ? (Object) at.value() : "max"));
        r.memoryHigh().ifPresent(v -> m.put("memoryHighBytes",
                v.bytes().isPresent() ? (Object) v.bytes().get().bytes() : "max"));
        r.swap().ifPresent(v -> m.put("swapBytes", v.bytes()));
        r.swapMax().ifPresent(v -> m.put("swapMaxBytes",
                v instanceof Limit.AtMost<ByteSize> at ? (Object) at.value().bytes() : "max"));
        return m;
    }

    /** The agent's words, named as in {@code GET /v1/units}. */
    private static void state(Map<String, Object> m, UnitStates.State s) {
        m.put("unit", s.unit());
        m.put("activeState", s.activeState());
        s.subState().ifPresent(v -> m.put("subState", v));
    }

    private static void put(Map<String, Object> m, String key, OptionalDouble v) {
        if (v.isPresent()) {
            m.put(key, Math.round(v.getAsDouble() * 100) / 100.0);
        }
    }
}
