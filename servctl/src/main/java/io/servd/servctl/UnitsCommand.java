package io.servd.servctl;

import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.ServctlException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import picocli.CommandLine.Command;

/** {@code servctl units}: every unit the agent sees with usage and limits ({@code GET /v1/units}). */
@Command(name = "units", mixinStandardHelpOptions = true,
        description = "List units with their cgroup usage against their limits.")
final class UnitsCommand extends AgentCommand {

    @Override
    public Integer call() throws ServctlException {
        JsonNode units = ask("GET", "/v1/units", Optional.empty());
        print(units, UnitsTable::format);
        return ExitCodes.OK;
    }
}
