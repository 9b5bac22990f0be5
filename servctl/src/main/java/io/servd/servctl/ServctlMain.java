package io.servd.servctl;

import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.ServctlException;
import io.servd.servctl.top.TopCommand;
import java.io.PrintWriter;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code servctl}: the command-line client of the servd agent, and a cgtop that needs no agent.
 * {@code status}, {@code units}, {@code limits}, {@code set}, {@code events} and {@code history} talk to the agent; {@code check} and
 * {@code top} work on files and cgroupfs directly.
 *
 * <p>Exit codes (see {@link ExitCodes}): 0 ok; 1 failure (agent error, answer over 4 MiB, diagnostics,
 * cgroupfs unreadable); 2 usage (bad flags, invalid {@code PROP=VALUE} or unit name); 3 agent unreachable
 * (including no complete answer within {@code --timeout}); 4 refused by the agent; 5 systemd refuses the agent
 * itself (polkitd or servd's polkit rule missing on its host).
 */
@Command(name = "servctl", mixinStandardHelpOptions = true, versionProvider = ServctlMain.Version.class,
        description = "Show every unit's cgroup usage against its limits, change limits through servd, check unit files.",
        subcommands = {StatusCommand.class, UnitsCommand.class, LimitsCommand.class, SetCommand.class, EventsCommand.class,
                HistoryCommand.class, CheckCommand.class},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:done (check: the file is clean)",
            "1:failure: the agent answered an error or more than 4 MiB, check found diagnostics, cgroupfs unreadable",
            "2:usage: bad command line, PROP=VALUE or unit name rejected (locally or by the agent, HTTP 400)",
            "3:agent unreachable (not running, wrong --agent or --socket, no complete answer within --timeout)",
            "4:refused by the agent (HTTP 401/403: no token, not root or in the control group)",
            "5:servd not authorized: systemd refuses the agent itself (polkitd or servd's polkit rule missing on its host)"})
public final class ServctlMain implements Runnable {

    private final ServctlDefaults defaults;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Connection options given before the command name; a command's own take precedence. */
    @CommandLine.Mixin
    AgentConnection connection;

    public ServctlMain(ServctlDefaults defaults) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
    }

    public static void main(String[] args) {
        System.exit(commandLine(ServctlDefaults.system()).execute(args));
    }

    /** The configured command line; tests call {@code setOut}/{@code setErr} on it and then {@code execute}. */
    public static CommandLine commandLine(ServctlDefaults defaults) {
        ServctlMain main = new ServctlMain(defaults);
        CommandLine cl = new CommandLine(main);
        // top reads cgroupfs itself: it gets the default root, not the whole servctl command, and asks the
        // agent only for unit states, on a background thread, within a short timeout
        AgentConnection topAgent = new AgentConnection(); // top's --agent/--socket/--timeout, filled in by picocli
        cl.addSubcommand("top", new TopCommand(defaults.cgroupRoot(), defaults.proc(), defaults.machines(),
                () -> topAgent.get(main, "/v1/units?fields=state", TopCommand.AGENT_TIMEOUT_SECONDS),
                at -> topAgent.get(main, "/v1/history?at=" + at, AgentConnection.DEFAULT_TIMEOUT_SECONDS)));
        cl.getSubcommands().get("top").addMixin("agent", topAgent);
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        // "-.slice" (the root slice) is a unit name, not an option
        cl.setUnmatchedOptionsArePositionalParams(true);
        TopCommand.configure(cl.getSubcommands().get("top"));
        cl.getSubcommands().get("set").getCommandSpec().usageMessage().description(SetCommand.description());
        // every command's --help lists the same exit codes as servctl --help
        var usage = cl.getCommandSpec().usageMessage();
        cl.getSubcommands().values().forEach(sub -> sub.getCommandSpec().usageMessage()
                .exitCodeListHeading(usage.exitCodeListHeading()).exitCodeList(usage.exitCodeList()));
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ServctlException s) {
                commandLine.getErr().println("servctl: " + s.getMessage());
                commandLine.getErr().flush();
                return s.exitCode();
            }
            if (e instanceof CommandLine.ParameterException p) {
                commandLine.getErr().println("servctl: " + p.getMessage());
                commandLine.usage(commandLine.getErr());
                return ExitCodes.USAGE;
            }
            throw e;
        });
        cl.setExitCodeExceptionMapper(e -> e instanceof ServctlException s ? s.exitCode()
                : e instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.FAILURE);
        return cl;
    }

    /** The connection options given before the command name. */
    AgentConnection connection() {
        return connection;
    }

    /** Where servctl looks when no flag says otherwise. */
    public ServctlDefaults defaults() {
        return defaults;
    }

    /** Without a subcommand: the usage, and exit 2. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** Prints {@code text} to the command's standard output and flushes. */
    static void print(CommandLine commandLine, String text) {
        PrintWriter out = commandLine.getOut();
        out.print(text);
        out.flush();
    }

    /** The version from the jar manifest, "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ServctlMain.class.getPackage().getImplementationVersion();
            return new String[] {"servctl " + (v == null ? "dev" : v)};
        }
    }
}
