package io.servd.servctl;

import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.ServctlException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import picocli.CommandLine.Command;

/** {@code servctl status}: the agent's own state ({@code GET /v1/self}). Exit codes as {@link ExitCodes}. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the servd agent's state: version, transport, its own cgroup and limits.")
final class StatusCommand extends AgentCommand {

    @Override
    public Integer call() throws ServctlException {
        JsonNode self = ask("GET", "/v1/self", Optional.empty());
        print(self, answer -> PlainText.format(answer));
        return ExitCodes.OK;
    }
}
