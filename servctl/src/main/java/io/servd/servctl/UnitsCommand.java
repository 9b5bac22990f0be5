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

/** {@code servctl units}: every unit the agent sees with usage and limits ({@code GET /v1/units}). */
@Command(name = "units", mixinStandardHelpOptions = true,
        description = "List units with their cgroup usage against their limits.")
final class UnitsCommand implements Callable<Integer> {

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
        JsonTree units = agent.call(parent, "GET", "/v1/units", Optional.empty());
        String text = output.isJson() ? units.formatPretty() : UnitsTable.format(units);
        ServctlMain.print(spec.commandLine(), text);
        return ExitCodes.OK;
    }
}
