package io.servd.servctl.top;

import io.servd.servctl.cli.Sizes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lays out the drill-down into one cgroup ({@link UnitProcesses}) for the live view, {@code --batch} and
 * {@code --output json}: a title line, a header and one line per process, {@code -} for an absent value
 * (RSS of a kernel thread, CPU of a process new since the last refresh).
 */
final class ProcessesTable {

    private ProcessesTable() {
    }

    static List<String> format(String group, List<UnitProcesses.Row> rows, double intervalSeconds, boolean raw,
                               int width, int maxRows) {
        List<String> lines = new ArrayList<>();
        lines.add(TopTable.cut(String.format(Locale.ROOT, "processes of %s | %d processes | interval %.1fs", group,
                rows.size(), intervalSeconds), width));
        lines.add(TopTable.cut(String.format(Locale.ROOT, "%8s %6s %9s  %s", "PID", "%CPU", "RSS", "Command"), width));
        for (UnitProcesses.Row r : rows.subList(0, Math.min(rows.size(), Math.max(0, maxRows)))) {
            String cpu = r.cpuPercent().isPresent() ? String.format(Locale.ROOT, "%.1f", r.cpuPercent().getAsDouble())
                    : "-";
            String rss = r.rss().map(b -> raw ? Long.toString(b.bytes()) : Sizes.format(b.bytes())).orElse("-");
            lines.add(TopTable.cut(String.format(Locale.ROOT, "%8d %6s %9s  %s", r.pid(), cpu, rss, r.command()), width));
        }
        return lines;
    }

    /** One JSON object: {@code cgroup}, {@code intervalSec} and {@code processes} with absent keys left out. */
    static Map<String, Object> json(String group, List<UnitProcesses.Row> rows, double intervalSeconds) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("cgroup", group);
        doc.put("intervalSec", intervalSeconds);
        List<Object> list = new ArrayList<>();
        for (UnitProcesses.Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pid", r.pid());
            m.put("command", r.command());
            r.rss().ifPresent(b -> m.put("rssBytes", b.bytes()));
            if (r.cpuPercent().isPresent()) {
                m.put("cpuPercent", Math.round(r.cpuPercent().getAsDouble() * 100) / 100.0);
            }
            list.add(m);
        }
        doc.put("processes", list);
        return doc;
    }
}
