package io.servd.servctl;

import io.servd.servctl.cli.JsonTree;
import io.servd.servctl.cli.Sizes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code servctl units} as text: one line per unit of the agent's {@code {"units":[Unit...]}} (agent/API.md)
 * with usage next to its limit. {@code -} is an absent key (controller not enabled), {@code max} unlimited.
 */
final class UnitsTable {

    private static final String[] TITLES = {"UNIT", "TASKS", "LIMIT", "MEMORY", "MAX", "HIGH", "CPU-TIME", "QUOTA",
        "WEIGHT", "OOM-KILLS", "CGROUP"};

    private UnitsTable() {
    }

    /** The table; a body without a {@code units} array is printed generically. */
    static String format(JsonTree units) {
        if (!(units.get("units").orElse(null) instanceof List<?> list)) {
            return PlainText.format(units.value());
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(TITLES);
        for (Object u : list) {
            Map<?, ?> unit = u instanceof Map<?, ?> m ? m : Map.of();
            Map<?, ?> limits = map(unit.get("limits"));
            Map<?, ?> usage = map(unit.get("usage"));
            rows.add(new String[] {
                text(unit.get("unit")), text(usage.get("pidsCurrent")), text(limits.get("pidsMax")),
                bytes(usage.get("memoryCurrentBytes")), bytes(limits.get("memoryMaxBytes")),
                bytes(limits.get("memoryHighBytes")), seconds(usage.get("cpuUsageUsec")), quota(limits.get("cpuMax")),
                text(limits.get("cpuWeight")), text(usage.get("oomKills")), text(unit.get("cgroup"))});
        }
        int[] widths = new int[TITLES.length];
        rows.forEach(r -> {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        });
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                boolean left = i == 0 || i == r.length - 1;
                String pad = " ".repeat(widths[i] - r[i].length());
                line.append(left ? r[i] + pad : pad + r[i]).append(i < r.length - 1 ? "  " : "");
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
    }

    private static String text(Object o) {
        return o == null || o == JsonTree.NULL ? "-" : String.valueOf(o);
    }

    /** Bytes in binary units ({@code 64.0M}), like top; {@code max} stays {@code max}. */
    private static String bytes(Object o) {
        if (!(o instanceof Long n)) {
            return text(o);
        }
        return Sizes.format(n);
    }

    private static String seconds(Object o) {
        return o instanceof Long usec ? String.format(Locale.ROOT, "%.1fs", usec / 1e6) : text(o);
    }

    /** {@code cpuMax} {@code {"quotaUsec":50000,"periodUsec":100000}} as systemd's {@code CPUQuota=} percentage. */
    private static String quota(Object o) {
        if (!(o instanceof Map<?, ?> m)) {
            return text(o);
        }
        if (m.get("quotaUsec") instanceof Long q && m.get("periodUsec") instanceof Long p && p > 0) {
            return String.format(Locale.ROOT, "%.0f%%", 100.0 * q / p);
        }
        return text(m.get("quotaUsec"));
    }
}
