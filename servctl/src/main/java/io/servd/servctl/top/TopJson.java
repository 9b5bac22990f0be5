package io.servd.servctl.top;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupMounts;
import io.servd.cgroup.Limit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One {@code servctl top --batch --output json} iteration as a JSON object, keys named like the agent's
 * (agent/API.md): absent values are absent keys, unlimited is {@code "max"}.
 */
final class TopJson {

    private TopJson() {
    }

    static Map<String, Object> iteration(List<TopRow> rows, CgroupMounts mounts, SortOrder order, Duration interval) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("layout", mounts.layout().label());
        doc.put("v2Controllers", mounts.v2Controllers());
        doc.put("order", order.label());
        doc.put("intervalSec", interval.toNanos() / 1e9);
        List<Object> list = new ArrayList<>();
        for (TopRow r : rows) {
            list.add(row(r));
        }
        doc.put("rows", list);
        return doc;
    }

    static Map<String, Object> row(TopRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cgroup", r.group());
        r.tasks().ifPresent(v -> m.put("tasks", v));
        put(m, "cpuPercent", r.cpuPercent());
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
        return m;
    }

    private static void put(Map<String, Object> m, String key, OptionalDouble v) {
        if (v.isPresent()) {
            m.put(key, Math.round(v.getAsDouble() * 100) / 100.0);
        }
    }
}
