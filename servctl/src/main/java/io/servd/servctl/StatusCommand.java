package io.servd.servctl;

import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.ServctlException;
import io.servd.servctl.cli.OutputFormat;
import io.servd.servctl.cli.JsonTree;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code servctl status}: the agent's own state ({@code GET /v1/self}). Exit codes as {@link ExitCodes}. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the servd agent's state: version, transport, its own cgroup and limits.")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    ServctlMain parent;

    @Spec
    CommandSpec spec;

    @Mixin
    AgentConnection agent;

    @Mixin
    OutputFormat output;

    @Override
    public Integer call() throws ServctlException {
        JsonTree self = agent.call(parent, "GET", "/v1/self", Optional.empty());
        ServctlMain.print(spec.commandLine(), output.isJson() ? self.formatPretty() : PlainText.format(self.value()));
        return ExitCodes.OK;
    }
}
