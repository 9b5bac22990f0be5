package io.servd.servctl;

import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.ServctlException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code servctl units}: the units the agent sees ({@code GET /v1/units}) with systemd's state and their
 * cgroup usage against their limits: those with a cgroup and those in a state other than inactive (a
 * failed unit), or all loaded units with {@code --all}, as {@code systemctl list-units} chooses.
 */
@Command(name = "units", mixinStandardHelpOptions = true,
        description = "List units with systemd's state and their cgroup usage against their limits.")
final class UnitsCommand extends AgentCommand {

    @Option(names = {"-a", "--all"}, description = "also loaded units that are inactive and have no cgroup")
    boolean all;

    @Override
    public Integer call() throws ServctlException {
        JsonNode units = UnitsTable.select(ask("GET", "/v1/units", Optional.empty()), all);
        print(units, UnitsTable::format);
        return ExitCodes.OK;
    }
}
