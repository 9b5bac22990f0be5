package io.servd.servctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.servd.servctl.cli.Sizes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
    static String format(JsonNode units) {
        if (!units.path("units").isArray()) {
            return PlainText.format(units);
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(TITLES);
        for (JsonNode unit : units.get("units")) {
            JsonNode limits = unit.path("limits");
            JsonNode usage = unit.path("usage");
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

    /** A value as sent ({@code max}, a count), {@code -} when absent or null. */
    private static String text(JsonNode o) {
        return o == null || o.isMissingNode() || o.isNull() ? "-" : o.isContainerNode() ? o.toString() : o.asText();
    }

    /** Whether {@code o} is an integer a long holds (the agent's counters and limits are). */
    private static boolean isLong(JsonNode o) {
        return o != null && o.isIntegralNumber() && o.canConvertToLong();
    }

    /** Bytes in binary units ({@code 64.0M}), like top; {@code max} stays {@code max}. */
    private static String bytes(JsonNode o) {
        return isLong(o) ? Sizes.format(o.longValue()) : text(o);
    }

    private static String seconds(JsonNode o) {
        return isLong(o) ? String.format(Locale.ROOT, "%.1fs", o.longValue() / 1e6) : text(o);
    }

    /** {@code cpuMax} {@code {"quotaUsec":50000,"periodUsec":100000}} as systemd's {@code CPUQuota=} percentage. */
    private static String quota(JsonNode o) {
        if (o == null || !o.isObject()) {
            return text(o);
        }
        JsonNode q = o.get("quotaUsec");
        JsonNode p = o.get("periodUsec");
        if (isLong(q) && isLong(p) && p.longValue() > 0) {
            return String.format(Locale.ROOT, "%.0f%%", 100.0 * q.longValue() / p.longValue());
        }
        return text(q);
    }
}
