package io.servd.servctl;

import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.ServctlException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code servctl limits UNIT}: one unit's limits and usage ({@code GET /v1/units/{unit}}). */
@Command(name = "limits", mixinStandardHelpOptions = true,
        description = "Show one unit's limits (memory.*, cpu.max, cpu.weight, pids.max, cpuset.cpus/mems, io.weight, io.max)"
                + " and usage.")
final class LimitsCommand extends AgentCommand {

    @Parameters(index = "0", paramLabel = "UNIT", description = "e.g. foo.service or bar.slice")
    String unit;

    @Override
    public Integer call() throws ServctlException {
        JsonNode limits = ask("GET", unitPath(unit), Optional.empty());
        print(limits, answer -> PlainText.format(answer));
        return ExitCodes.OK;
    }

    /**
     * {@code /v1/units/<unit>} with the name percent-encoded, so that whatever the user typed (a slash,
     * {@code ..}, a space) reaches the agent as one path segment for it to judge.
     */
    static String unitPath(String unit) {
        return "/v1/units/" + URLEncoder.encode(unit, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
