package io.servd.servctl.top;

import io.servd.cgroup.CgroupMounts;
import io.servd.cgroup.CgroupReader;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;
import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.Json;
import io.servd.servctl.cli.OutputFormat;
import io.servd.servctl.cli.ServctlException;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code servctl top}: systemd-cgtop with limits. Reads cgroupfs itself (no agent), read-only on every
 * layout. Takes cgtop's options with the values cgtop takes (systemd 252/257 {@code systemd-cgtop(1)});
 * as in cgtop, the last of {@code -p -t -c -m -i --order} wins, and so does the last of {@code -n -1},
 * and the first bad value is the error. Live view on a terminal ({@link LiveView}); {@code --batch}, or
 * stdout not a terminal, prints plain text per iteration (one JSON object per line with
 * {@code --output json}). Without {@code -n}, the live view and {@code -b} on a terminal run until stopped,
 * and without a terminal one iteration is printed, as cgtop does. Unlike cgtop, each iteration, the first
 * included, shows one interval of at least the delay, so CPU and IO rates are never blank.
 * Exit codes: 0 done or quit, 1 cgroupfs unreadable or machine not found, 2 usage.
 */
@Command(name = "top", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Live cgroup usage against limits, like systemd-cgtop, plus TasksMax, MemoryHigh, MemoryMax and"
                + " %% used, CPUQuota and throttled %%, PSI some avg10, OOM kills, swap, and systemd's unit state."
                + " Reads cgroupfs directly; the agent is asked only for the State column, off the refresh, and"
                + " not needed.",
                "Keys: p t c m i s order by path, tasks, cpu, memory, io, pressure; %% CPU time or percent;"
                        + " + - delay; P userspace processes, k all processes, r recursive counting; d or Enter the"
                        + " processes of the first unit (q, Esc or d back); space refresh; h help; q quit.",
                "Without a terminal (stdout redirected), --batch and -n 1 are implied."})
public final class TopCommand implements Callable<Integer> {

    /** The cgroup tree read without {@code --cgroup-root} (servctl's defaults: /sys/fs/cgroup). */
    private final CgroupRoot defaultRoot;
    private final ProcFs proc;
    private final Machines machines;

    private final AgentUnits agentUnits;
    private final ReplayView.History history;

    /**
     * How top asks the agent for {@code GET /v1/units} with the connection options given to it
     * ({@code --agent}, {@code --socket}, {@code --timeout}; servctl's own before the command name otherwise):
     * servctl adds those options to top as a mixin and passes this, so that top needs nothing of servctl's
     * own package (no package cycle: ArchitectureTest).
     */
    @FunctionalInterface
    public interface AgentUnits {
        JsonNode get() throws ServctlException;
    }

    /** {@code GET /v1/history?at=TIME} through the agent. */
    @FunctionalInterface
    public interface AgentHistory {
        JsonNode at(java.time.Instant at) throws ServctlException;
    }

    /**
     * The agent's answer is waited for at most this long without {@code --timeout}: the State column is an
     * extra, the refresh never waits for it (the live view shows the last answer; batch waits this long for
     * the first one).
     */
    public static final double AGENT_TIMEOUT_SECONDS = 2;

    public TopCommand(CgroupRoot defaultRoot, ProcFs proc, Path machinesDirectory, AgentUnits agentUnits) {
        this(defaultRoot, proc, machinesDirectory, agentUnits, at -> {
            throw new ServctlException(ExitCodes.FAILURE, "no agent to replay from");
        });
    }

    /**
     * @param history how {@code --replay} asks the agent for {@code GET /v1/history?at=TIME} (servctl passes
     *                its connection, as for {@code agentUnits})
     */
    public TopCommand(CgroupRoot defaultRoot, ProcFs proc, Path machinesDirectory, AgentUnits agentUnits,
                      AgentHistory history) {
        this.history = Objects.requireNonNull(history, "history")::at;
        this.defaultRoot = Objects.requireNonNull(defaultRoot, "defaultRoot");
        this.proc = Objects.requireNonNull(proc, "proc");
        this.machines = new Machines(machinesDirectory);
        this.agentUnits = Objects.requireNonNull(agentUnits, "agentUnits");
    }

    @Spec
    CommandSpec spec;

    @Mixin
    OutputFormat output;

    private TopView view = TopView.defaults();
    private Optional<Long> iterations = Optional.empty();
    private long depth = 3;
    private boolean recursiveOff;
    /** The first bad value, reported as cgtop does: before anything is read. */
    private Optional<ServctlException> firstError = Optional.empty();

    @Option(order = 6, names = "--order", paramLabel = "KEY",
            description = "path, tasks, cpu (default), memory, io, or pressure")
    void order(String value) {
        parse(() -> view = view.withOrder(TopArguments.parseOrder("--order", value)));
    }

    @Option(order = 7, names = {"-r", "--raw"}, description = "raw numbers: bytes and microseconds, not 1.2G or 1min 2s")
    void raw(boolean on) {
        view = view.withRaw(true);
    }

    @Option(order = 8, names = "--cpu", arity = "0..1", fallbackValue = "time", paramLabel = "TYPE",
            description = "percentage (default) or time: CPU time used so far; --cpu alone is time")
    void cpu(String value) {
        parse(() -> view = view.withCpu(TopArguments.parseCpu("--cpu", value)));
    }

    @Option(order = 9, names = "-P", description = "count userspace processes instead of tasks (without kernel threads)")
    void userspaceProcesses(boolean on) {
        view = view.withCounting(TopView.Counting.USERSPACE_PROCESSES);
    }

    @Option(order = 10, names = "-k", description = "count all processes instead of tasks (kernel threads included)")
    void allProcesses(boolean on) {
        view = view.withCounting(TopView.Counting.ALL_PROCESSES);
    }

    @Option(order = 11, names = "--recursive", paramLabel = "BOOL",
            description = "with -P or -k: a cgroup's count includes the cgroups shown below it (default: yes)")
    void recursive(String value) {
        parse(() -> {
            boolean on = TopArguments.parseBoolean("--recursive", value);
            view = view.withRecursive(on);
            recursiveOff = !on;
        });
    }

    @Option(order = 12, names = {"-d", "--delay"}, paramLabel = "DELAY",
            description = "time between refreshes, a time span: 500ms, 1s, 2min; a bare number is seconds (default: 1s)")
    void delay(String value) {
        parse(() -> view = view.withDelay(TopArguments.parseDelay("--delay", value)));
        delayGiven = true;
    }

    /** Whether -d was given: the replay steps by it then. */
    private boolean delayGiven;

    @Option(order = 13, names = {"-n", "--iterations"}, paramLabel = "N",
            description = "stop after N refreshes; 0: until q (default: until q on a terminal, else 1)")
    void iterations(String value) {
        parse(() -> iterations = Optional.of(TopArguments.parseUnsigned("--iterations", value)));
    }

    @Option(order = 14, names = "-1", description = "one iteration (--iterations=1)")
    void once(boolean on) {
        iterations = Optional.of(1L);
    }

    @Option(order = 15, names = {"-b", "--batch"}, description = "plain text for scripts, no terminal control, no keys")
    boolean batch;

    @Option(order = 16, names = "--depth", paramLabel = "N",
            description = "deepest level shown below GROUP, 0 = GROUP only (default: 3)")
    void depth(String value) {
        parse(() -> depth = TopArguments.parseUnsigned("--depth", value));
    }

    @Option(order = 17, names = {"-M", "--machine"}, paramLabel = "MACHINE",
            description = "only this machine's cgroup: a name systemd-machined knows (/run/systemd/machines/NAME),"
                    + " or the cgroup path of a container machined does not know (-M /system.slice/docker-ID.scope);"
                    + " GROUP is then below it")
    String machine;

    @Option(order = 18, names = "--cgroup-root", paramLabel = "PATH",
            description = "cgroup mount to read (default: /sys/fs/cgroup; unified, hybrid or legacy)")
    Optional<Path> cgroupRoot;

    @Option(order = 20, names = "--no-agent",
            description = "do not ask the servd agent for unit states: State shows -, failed units without a"
                    + " cgroup are not listed (cgtop's look)")
    boolean noAgent;

    @Option(order = 19, names = "--processes", paramLabel = "UNIT",
            description = "the processes of one unit instead of the cgroups: PID, %%CPU, RSS, command, by CPU then RSS"
                    + " (a unit name found below GROUP, or a cgroup path such as /system.slice/foo.service);"
                    + " live view: key d or Enter on the first row")
    String processes;

    @Option(order = 21, names = "--replay", paramLabel = "TIME",
            description = "the view at a past moment, from the agent's history: RFC 3339 (2026-12-03T03:00:00Z), epoch"
                    + " seconds or relative (-1h); [ or \u2190 a step back, ] or \u2192 forward; the step is -d (default: 5s)")
    String replay;

    @Parameters(arity = "0..1", paramLabel = "GROUP",
            description = "only this cgroup and its subtree, e.g. /system.slice (default: the root)")
    String group;

    /**
     * Sets {@code top}, this command's command line, up to parse as cgtop's getopt does: an option given
     * twice counts the last time, a value that looks like an option is still the value ({@code -n -1} is a
     * bad count, not {@code -1}), and the one-letter orders {@code -p -t -c -m -i} come from
     * {@link SortOrder}, the same letters as the live view's keys.
     */
    public static void configure(CommandLine top) {
        top.setOverwrittenOptionsAllowed(true).setAllowOptionsAsOptionParameters(true);
        TopCommand command = top.getCommand();
        for (SortOrder o : SortOrder.values()) {
            if (!o.isCgtopFlag()) {
                continue;
            }
            top.getCommandSpec().addOption(OptionSpec.builder("-" + o.key()).arity("0").type(boolean.class)
                    .order(o.ordinal() + 1).description("order by " + o.label() + " (--order=" + o.label() + ")")
                    .setter(new ISetter() {
                        @Override
                        public <T> T set(T value) {
                            if (Boolean.TRUE.equals(value)) { // picocli also sets the initial false
                                command.view = command.view.withOrder(o);
                            }
                            return null;
                        }
                    }).build());
        }
    }

    private interface Parse {
        void run() throws ServctlException;
    }

    private void parse(Parse p) {
        try {
            p.run();
        } catch (ServctlException e) {
            if (firstError.isEmpty()) {
                firstError = Optional.of(e);
            }
        }
    }

    @Override
    public Integer call() throws ServctlException {
        if (firstError.isPresent()) {
            throw firstError.get();
        }
        if (group != null && group.startsWith("-")) {
            throw new ServctlException(ExitCodes.USAGE, "unknown option [" + group + "]");
        }
        boolean terminal = System.console() != null;
        if (replay != null) {
            return replay(terminal);
        }
        CgroupRoot root = cgroupRoot.map(CgroupRoot::new).orElse(defaultRoot);
        try {
            CgroupMounts mounts = CgroupMounts.detect(root);
            TopView shown = view;
            boolean pids = mounts.v2Controllers().contains("pids") || mounts.pidsV1().isPresent();
            if (shown.counting() == TopView.Counting.TASKS && !pids) {
                shown = shown.withCounting(TopView.Counting.ALL_PROCESSES); // as cgtop: no pids.current to read
            }
            if (recursiveOff && shown.counting() == TopView.Counting.TASKS) {
                throw new ServctlException(ExitCodes.USAGE, "--recursive=no counts processes, not tasks"
                        + " (pids.current always includes the subtree): use -P or -k");
            }
            String top = topGroup(mounts);
            TopSampler sampler = new TopSampler(mounts, new CgroupReader(System::nanoTime, TopRows.FILES), top, depth);
            if (!sampler.topExists()) {
                throw new ServctlException(ExitCodes.FAILURE, "no cgroup [" + top + "] under ["
                        + root.mountPoint() + "]");
            }
            TopReader reader = new TopReader(sampler, new ProcessCounter(mounts, proc, ProcessHandle.current().pid()),
                    new UnitProcesses(mounts, proc, System::nanoTime));
            long n = iterations.orElse(terminal ? 0L : 1L);
            if (processes != null && (batch || !terminal)) {
                String unit = unitGroup(mounts, top);
                runProcesses(reader.unitProcesses(), unit, shown, n, spec.commandLine().getOut(), output.isJson(),
                        Thread::sleep);
                return ExitCodes.OK;
            }
            // unit states only for the whole tree: a unit without a cgroup is in no GROUP
            boolean ask = !noAgent && top.equals("/") && machine == null;
            try (UnitStates states = new UnitStates(ask ? Optional.of(() -> agentUnits.get())
                    : Optional.empty())) {
                if (batch || !terminal) {
                    runBatch(reader, shown, n, spec.commandLine().getOut(), output.isJson(), Thread::sleep, states,
                            Duration.ofMillis((long) (AGENT_TIMEOUT_SECONDS * 1000)), spec.commandLine().getErr());
                    return ExitCodes.OK;
                }
                return live(reader, shown, n, mounts, top, states);
            }
        } catch (IOException e) {
            throw new ServctlException(ExitCodes.FAILURE, "reading cgroups under [" + root.mountPoint() + "] failed: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILURE;
        }
    }

    /** {@code --replay}: no cgroupfs is read; the step is {@code -d} when given, else the agent's default interval. */
    private int replay(boolean terminal) throws ServctlException {
        java.time.Instant at;
        try {
            at = io.servd.agent.config.HistoryTime.parse(replay, java.time.Instant.now());
        } catch (IllegalArgumentException e) {
            throw TopArguments.invalid("--replay", replay, e.getMessage());
        }
        Duration step = delayGiven ? view.delay() : REPLAY_STEP;
        var replayView = new ReplayView(history, view, step);
        if (batch || !terminal) {
            replayView.print(at, iterations.orElse(1L), spec.commandLine().getOut(), output.isJson(), BATCH_WIDTH);
            return ExitCodes.OK;
        }
        if (output.isJson()) {
            throw new ServctlException(ExitCodes.USAGE, "--output json needs --batch");
        }
        try (JLineTerminal tty = new JLineTerminal()) {
            return replayView.run(at, tty, tty);
        } catch (IOException e) {
            throw new ServctlException(ExitCodes.FAILURE, "terminal: " + e.getMessage(), e);
        }
    }

    /** The replay's step without {@code -d}: the agent's default [History] IntervalSec=. */
    static final Duration REPLAY_STEP = Duration.ofSeconds(5);

    /**
     * cgtop's root: the machine's cgroup (or {@code /}) with GROUP appended, normalised like systemd's
     * {@code path_join()} and {@code path_simplify()}: {@code system.slice/} is {@code /system.slice}.
     */
    private String topGroup(CgroupMounts mounts) throws ServctlException {
        String base = machine == null ? "/" : machines.cgroupOf(machine, mounts);
        String joined = base + "/" + (group == null ? "" : group);
        return normalise(joined, group == null ? "--machine" : "GROUP", group == null ? machine : group);
    }

    /** {@code path} joined and simplified, as systemd's {@code path_simplify()}; no {@code .} or {@code ..}. */
    private static String normalise(String path, String option, String given) throws ServctlException {
        String normal = "/" + String.join("/", Arrays.stream(path.split("/+")).filter(s -> !s.isEmpty())
                .toList());
        try {
            new CgroupRoot(Path.of("/")).resolve(normal);
        } catch (IllegalArgumentException e) {
            throw TopArguments.invalid(option, given, "not a cgroup path (no . or .. components)");
        }
        return normal;
    }

    private int live(TopReader reader, TopView shown, long n, CgroupMounts mounts, String top, UnitStates states)
            throws ServctlException, IOException {
        if (output.isJson()) {
            throw new ServctlException(ExitCodes.USAGE, "--output json needs --batch");
        }
        try (JLineTerminal tty = new JLineTerminal()) {
            LiveView live = new LiveView(reader, shown, n, tty, tty, System::nanoTime).withStates(states);
            if (processes != null) {
                live.drillInto(unitGroup(mounts, top));
            }
            return live.run();
        }
    }

    /**
     * {@code --processes}: a cgroup path as it is, else the first cgroup below {@code top} (in path order,
     * shallowest first) whose name is the unit's.
     */
    private String unitGroup(CgroupMounts mounts, String top) throws ServctlException, IOException {
        if (processes.startsWith("/")) {
            return normalise(processes, "--processes", processes);
        }
        if (processes.isEmpty() || processes.contains("/") || processes.equals(".") || processes.equals("..")) {
            throw TopArguments.invalid("--processes", processes, "a unit name or a cgroup path");
        }
        for (CgroupRoot r : mounts.treeRoots()) {
            Path start = top.equals("/") ? r.mountPoint() : r.mountPoint().resolve(top.substring(1));
            if (!Files.isDirectory(start)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(start)) {
                Optional<Path> found = walk.filter(p -> p.getFileName().toString().equals(processes)
                        && Files.isDirectory(p)).min(Comparator.comparingInt(Path::getNameCount)
                        .thenComparing(Comparator.naturalOrder()));
                if (found.isPresent()) {
                    String rel = r.mountPoint().relativize(found.get()).toString().replace(File.separatorChar, '/');
                    return "/" + rel;
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        throw new ServctlException(ExitCodes.FAILURE, "no cgroup of unit [" + processes + "] below [" + top + "]");
    }

    /**
     * {@code --processes} in batch mode: reads, then {@code iterations} times (forever when 0) waits the
     * delay, reads again and prints the unit's processes over the interval.
     */
    static void runProcesses(UnitProcesses reader, String group, TopView view, long iterations, PrintWriter out,
                             boolean json, Sleeper sleeper) throws IOException, InterruptedException {
        UnitProcesses.Reading previous = reader.read(group);
        for (long i = 0; iterations == 0 || i < iterations; i++) {
            sleeper.sleep(Math.max(1, view.delay().toMillis()));
            UnitProcesses.Reading current = reader.read(group);
            List<UnitProcesses.Row> rows = UnitProcesses.between(previous, current);
            double seconds = (current.nanoTime() - previous.nanoTime()) / 1e9;
            if (json) {
                out.println(Json.formatCompact(ProcessesTable.json(group, rows, seconds)));
            } else {
                if (i > 0) {
                    out.println();
                }
                ProcessesTable.format(group, rows, seconds, view.raw(), BATCH_WIDTH, Integer.MAX_VALUE)
                        .forEach(out::println);
            }
            out.flush();
            previous = current;
        }
    }

    /** Sleeps between refreshes; tests pass one that moves their clock. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /**
     * Batch mode: reads, then {@code iterations} times (forever when 0) waits the delay, reads again and
     * prints the rows of the interval (text blocks separated by a blank line, as cgtop without a terminal,
     * or one JSON object per line).
     */
    static void runBatch(TopReader reader, TopView view, long iterations, PrintWriter out, boolean json,
                         Sleeper sleeper) throws IOException, InterruptedException {
        try (UnitStates none = new UnitStates(Optional.empty())) {
            runBatch(reader, view, iterations, out, json, sleeper, none, Duration.ZERO, out);
        }
    }

    /**
     * As above, with the State column from {@code states}: asked once per iteration, the first answer
     * waited for at most {@code firstWait}; why the states are unknown goes to {@code err} once.
     */
    static void runBatch(TopReader reader, TopView view, long iterations, PrintWriter out, boolean json,
                         Sleeper sleeper, UnitStates states, Duration firstWait, PrintWriter err)
            throws IOException, InterruptedException {
        states.refresh();
        TopReader.Reading previous = reader.read(view);
        for (long i = 0; iterations == 0 || i < iterations; i++) {
            sleeper.sleep(Math.max(1, view.delay().toMillis()));
            TopReader.Reading current = reader.read(view);
            TopReader.Frame frame = TopReader.frame(previous, current, view).withStates(states.latest(firstWait));
            states.refresh();
            states.takeNotice().ifPresent(n -> {
                err.println("servctl: " + n);
                err.flush();
            });
            if (json) {
                out.println(Json.formatCompact(TopJson.iteration(frame, reader.sampler().mounts(), view)));
            } else {
                if (i > 0) {
                    out.println();
                }
                TopTable.format(frame, reader.sampler().mounts(), view, BATCH_WIDTH, Integer.MAX_VALUE)
                        .forEach(out::println);
            }
            out.flush();
            previous = current;
        }
    }

    /** Batch lines are not cut to a terminal: wide enough for any path systemd makes in practice. */
    static final int BATCH_WIDTH = 400;
}
