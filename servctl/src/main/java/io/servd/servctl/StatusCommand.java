package io.servd.servctl;

import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.ServctlException;
import io.servd.servctl.cli.Sizes;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code servctl status}: the agent's own state ({@code GET /v1/self}); {@code servctl status UNIT}: one
 * unit's state as systemd reports it, with its cgroup's usage ({@code GET /v1/units/{unit}}). Exit codes
 * as {@link ExitCodes}.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the servd agent's state: version, transport, its own cgroup and limits.",
                "With UNIT: the unit's state, sub-state, result, restarts, since when active, main PID and cgroup."})
final class StatusCommand extends AgentCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "UNIT", description = "e.g. foo.service")
    String unit;

    @Override
    public Integer call() throws ServctlException {
        if (unit == null) {
            JsonNode self = ask("GET", "/v1/self", Optional.empty());
            print(self, answer -> PlainText.format(answer));
            return ExitCodes.OK;
        }
        JsonNode answer = ask("GET", LimitsCommand.unitPath(unit), Optional.empty());
        print(answer, StatusCommand::formatUnit);
        return ExitCodes.OK;
    }

    /** A unit as {@code systemctl status} leads with it: one {@code name: value} line per fact known. */
    static String formatUnit(JsonNode unit) {
        StringBuilder out = new StringBuilder();
        line(out, "unit", unit.path("unit").asText());
        if (unit.has("activeState")) {
            line(out, "state", unit.path("activeState").asText() + " (" + unit.path("subState").asText() + ")");
            text(unit, "result").ifPresent(v -> line(out, "result", v));
            text(unit, "nRestarts").ifPresent(v -> line(out, "restarts", v));
            text(unit, "activeEnterTimestamp").ifPresent(v -> line(out, "since", v));
            text(unit, "mainPid").ifPresent(v -> line(out, "main pid", v));
        } else {
            line(out, "state", "- (the agent has no state from systemd: see servctl status)");
        }
        line(out, "cgroup", text(unit, "cgroup").orElse("- (none)"));
        JsonNode memory = unit.path("usage").path("memoryCurrentBytes");
        if (memory.canConvertToLong() && memory.isIntegralNumber()) {
            line(out, "memory", Sizes.format(memory.longValue()));
        }
        text(unit.path("usage"), "pidsCurrent").ifPresent(v -> line(out, "tasks", v));
        return out.toString();
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? Optional.empty() : Optional.of(v.asText());
    }

    private static void line(StringBuilder out, String name, String value) {
        out.append(String.format("%-9s %s", name + ":", value)).append('\n');
    }
}
