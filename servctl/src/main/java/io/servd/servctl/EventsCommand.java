package io.servd.servctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.servd.cgroup.unit.UnitName;
import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.Json;
import io.servd.servctl.cli.ServctlException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code servctl events [--follow] [UNIT] [--since ID|TIME] [--type TYPE]}: the agent's events
 * ({@code GET /v1/events}, NDJSON), one line each as they arrive — {@code TIME UNIT TYPE details} or,
 * with {@code --output json}, the agent's line as sent. {@code --follow} streams until Ctrl-C (or the
 * agent ends it: exit 0 on its drain; 3 when it falls silent for 45 s). Heartbeats (empty lines) are not printed.
 */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Show what happened to units: oom-kill, limits-changed, throttled, pressure, unit-state.")
final class EventsCommand extends AgentCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "UNIT", description = "only this unit's events")
    String unit;

    @Option(names = {"-f", "--follow"}, description = "keep printing new events until interrupted")
    boolean follow;

    @Option(names = "--since", paramLabel = "ID|TIME",
            description = "events after this event id, or at or after this ISO-8601 time (e.g. 2026-12-02T16:25:00Z)")
    String since;

    @Option(names = "--type", paramLabel = "TYPE", description = "only events of this type, e.g. oom-kill")
    String type;

    @Override
    public Integer call() throws ServctlException {
        if (unit != null && !UnitName.isValid(unit)) {
            throw new ServctlException(ExitCodes.USAGE, "not a unit name [" + unit + "]");
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean json = output.isJson();
        agent.stream(parent, path(unit, since, type, follow), follow, line -> {
            if (line.isEmpty()) {
                return; // a heartbeat
            }
            out.println(json ? line : format(line));
            out.flush();
        });
        return ExitCodes.OK;
    }

    /** {@code /v1/events?unit=…&since=…&type=…&follow=1}, each value percent-encoded. */
    static String path(String unit, String since, String type, boolean follow) {
        List<String> query = new ArrayList<>();
        for (var p : new String[][] {{"unit", unit}, {"since", since}, {"type", type}}) {
            if (p[1] != null) {
                query.add(p[0] + "=" + URLEncoder.encode(p[1], StandardCharsets.UTF_8));
            }
        }
        if (follow) {
            query.add("follow=1");
        }
        return "/v1/events" + (query.isEmpty() ? "" : "?" + String.join("&", query));
    }

    /**
     * One event for people: {@code 2026-12-02T16:25:00Z  hog.service  oom-kill  delta=1 total=1}
     * (nested details joined with dots: {@code changes.memory.max.old=max}); a line that is not JSON as it came.
     */
    static String format(String line) {
        JsonNode e;
        try {
            e = Json.parse(line);
        } catch (IOException notJson) {
            return line;
        }
        if ("lost".equals(e.path("type").asText())) {
            return "-- " + e.path("lost").asText() + " events lost: " + e.path("detail").asText();
        }
        var details = new StringBuilder();
        Iterator<Map.Entry<String, JsonNode>> fields = e.fields();
        while (fields.hasNext()) {
            var f = fields.next();
            if (!List.of("id", "time", "unit", "type").contains(f.getKey())) {
                flatten(f.getKey(), f.getValue(), details);
            }
        }
        return String.format("%-24s %-28s %-15s %s", e.path("time").asText(), e.path("unit").asText(),
                e.path("type").asText(), details.toString().strip());
    }

    private static void flatten(String key, JsonNode value, StringBuilder into) {
        if (value.isObject()) {
            value.fields().forEachRemaining(f -> flatten(key + "." + f.getKey(), f.getValue(), into));
            return;
        }
        String text = value.asText();
        into.append(' ').append(key).append('=').append(text.contains(" ") || text.isEmpty() ? "\"" + text + "\"" : text);
    }
}
