package io.servd.servctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.servd.servctl.cli.Json;
import io.servd.servctl.cli.Sizes;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Prints the pages of {@code servctl history} as they come: one JSON document (the agent's shape, its
 * samples one per line), CSV with a header row, or an aligned table. Values are read by their names
 * in the agent's Unit object (agent/API.md), absent ones print empty.
 */
final class HistoryTable {
    /** CSV columns: a name, and where in a sample it is. */
    private record Column(String name, String pointer) {
    }

    private static final List<Column> CSV = List.of(new Column("time", "/time"), new Column("timeUsec", "/timeUsec"),
            new Column("activeState", "/activeState"), new Column("subState", "/subState"),
            new Column("nRestarts", "/nRestarts"), new Column("memoryCurrentBytes", "/usage/memoryCurrentBytes"),
            new Column("memoryMaxBytes", "/limits/memoryMaxBytes"), new Column("memoryHighBytes", "/limits/memoryHighBytes"),
            new Column("cpuUsageUsec", "/usage/cpuUsageUsec"), new Column("cpuThrottledUsec", "/usage/cpuThrottledUsec"),
            new Column("cpuThrottledPeriods", "/usage/cpuThrottledPeriods"),
            new Column("cpuQuotaUsec", "/limits/cpuMax/quotaUsec"), new Column("cpuPeriodUsec", "/limits/cpuMax/periodUsec"),
            new Column("cpuWeight", "/limits/cpuWeight"), new Column("pidsCurrent", "/usage/pidsCurrent"),
            new Column("pidsMax", "/limits/pidsMax"), new Column("oomKills", "/usage/oomKills"),
            new Column("cpuSomeAvg10", "/usage/pressure/cpu/someAvg10"),
            new Column("memorySomeAvg10", "/usage/pressure/memory/someAvg10"),
            new Column("memoryFullAvg10", "/usage/pressure/memory/fullAvg10"),
            new Column("ioSomeAvg10", "/usage/pressure/io/someAvg10"), new Column("ioFullAvg10", "/usage/pressure/io/fullAvg10"));
    private static final String TEXT = "%-20s %-12s %-10s %6s %9s %9s %7s %10s %4s %7s%n";

    private final HistoryCommand.Format format;
    private final String unit;
    private final Instant since;
    private final Instant until;
    private final PrintWriter out;
    private boolean started;
    private boolean first = true;
    private JsonNode previous;

    HistoryTable(HistoryCommand.Format format, String unit, Instant since, Instant until, PrintWriter out) {
        this.format = format;
        this.unit = unit;
        this.since = since;
        this.until = until;
        this.out = out;
    }

    /** One answer of the agent: {@code {"unit","since","until","step","samples":[…]}}. */
    void page(JsonNode answer) {
        if (!started) {
            start(answer.path("step").asText());
            started = true;
        }
        for (JsonNode sample : answer.path("samples")) {
            switch (format) {
                case json -> {
                    out.print(first ? "\n  " : ",\n  ");
                    out.print(Json.formatCompact(sample));
                }
                case csv -> out.println(CSV.stream().map(c -> csv(sample.at(c.pointer()))).collect(Collectors.joining(",")));
                default -> out.print(text(sample));
            }
            first = false;
            previous = sample;
        }
    }

    private void start(String step) {
        switch (format) {
            case json -> out.print("{\"unit\":" + Json.formatCompact(unit) + ",\"since\":\"" + since + "\",\"until\":\""
                    + until + "\",\"step\":" + Json.formatCompact(step) + ",\"samples\":[");
            case csv -> out.println(CSV.stream().map(Column::name).collect(Collectors.joining(",")));
            default -> out.printf(TEXT, "TIME", "ACTIVE", "SUB", "CPU%", "MEMORY", "MAX", "TASKS", "THROTTLED", "OOM",
                    "MEM-PSI");
        }
    }

    /** Closes the JSON document; says when there was nothing. */
    void end() {
        if (format == HistoryCommand.Format.json) {
            if (!started) {
                start("");
            }
            out.println(first ? "]}" : "\n]}");
        } else if (first && format == HistoryCommand.Format.text) {
            out.println("-- no samples of " + unit + " from " + since + " to " + until);
        }
    }

    /** CPU% and throttled time are over the interval since the previous sample (empty for the first). */
    private String text(JsonNode s) {
        String cpu = "";
        String throttled = "";
        if (previous != null && s.at("/usage/cpuUsageUsec").isNumber() && previous.at("/usage/cpuUsageUsec").isNumber()) {
            double elapsed = s.path("timeUsec").asDouble() - previous.path("timeUsec").asDouble();
            double used = s.at("/usage/cpuUsageUsec").asDouble() - previous.at("/usage/cpuUsageUsec").asDouble();
            cpu = elapsed > 0 ? String.format(Locale.ROOT, "%.1f", 100 * used / elapsed) : "";
            if (s.at("/usage/cpuThrottledUsec").isNumber() && previous.at("/usage/cpuThrottledUsec").isNumber()) {
                long t = s.at("/usage/cpuThrottledUsec").asLong() - previous.at("/usage/cpuThrottledUsec").asLong();
                throttled = String.format(Locale.ROOT, "%dms", t / 1000);
            }
        }
        return String.format(Locale.ROOT, TEXT, s.path("time").asText(), s.path("activeState").asText(""),
                s.path("subState").asText(""), cpu, bytes(s.at("/usage/memoryCurrentBytes")),
                bytes(s.at("/limits/memoryMaxBytes")), s.at("/usage/pidsCurrent").asText(""), throttled,
                s.at("/usage/oomKills").asText(""), s.at("/usage/pressure/memory/someAvg10").asText(""));
    }

    private static String bytes(JsonNode v) {
        return v.isNumber() ? Sizes.format(v.asLong()) : v.asText("");
    }

    private static String csv(JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return "";
        }
        String text = v.asText();
        return text.contains(",") || text.contains("\"") ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }
}
