package io.servd.servctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servd.servctl.cli.Sizes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code servctl units} as text: one line per unit of the agent's {@code {"units":[Unit...]}} (agent/API.md)
 * with systemd's state (ACTIVE, SUB) and usage next to its limit. {@code -} is an absent key (controller
 * not enabled, no cgroup, or no state from systemd), {@code max} unlimited.
 */
final class UnitsTable {

    private static final String[] TITLES = {"UNIT", "ACTIVE", "SUB", "TASKS", "LIMIT", "MEMORY", "MAX", "HIGH", "CPU-TIME", "QUOTA",
        "WEIGHT", "OOM-KILLS", "CGROUP"};

    private UnitsTable() {
    }

    /**
     * The units worth a line by default, as {@code systemctl list-units} picks them: those with a cgroup,
     * and those without one whose state is not {@code inactive} (a failed unit, one starting); all of them
     * with {@code all}. A body without a {@code units} array is returned as it is.
     */
    static JsonNode select(JsonNode answer, boolean all) {
        if (all || !answer.path("units").isArray() || !(answer instanceof ObjectNode object)) {
            return answer;
        }
        ObjectNode copy = object.deepCopy();
        ArrayNode units = copy.putArray("units");
        for (JsonNode unit : answer.get("units")) {
            if (unit.has("cgroup") || !"inactive".equals(unit.path("activeState").asText("inactive"))) {
                units.add(unit);
            }
        }
        return copy;
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
                text(unit.get("unit")), text(unit.get("activeState")), text(unit.get("subState")),
                text(usage.get("pidsCurrent")), text(limits.get("pidsMax")),
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
                boolean left = i <= 2 || i == r.length - 1; // names and state words left, numbers right
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
