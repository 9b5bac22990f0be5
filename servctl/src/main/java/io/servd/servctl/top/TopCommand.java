package io.servd.servctl.top;

import io.servd.cgroup.CgroupMounts;
import io.servd.cgroup.CgroupReader;
import io.servd.cgroup.CgroupSnapshot;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.Json;
import io.servd.servctl.cli.OutputFormat;
import io.servd.servctl.cli.ServctlException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code servctl top}: systemd-cgtop with limits. Reads cgroupfs itself (no agent), read-only on every
 * layout. Live view on a terminal ({@link LiveView}); {@code --batch}, or stdout not a terminal, prints
 * plain text per iteration like {@code systemd-cgtop -b -n N -d D} (one JSON object per line with
 * {@code --output json}). Exit codes: 0 done or quit, 1 cgroupfs unreadable or malformed, 2 usage.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = {"Live cgroup usage against limits, like systemd-cgtop, plus MemoryMax and %% used, CPUQuota and"
                + " throttled %%, PSI some avg10 and OOM kills. Reads cgroupfs directly; no agent needed.",
                "Keys: c cpu, m memory, t tasks, i io, p pressure (sort); space refresh; q quit.",
                "Without a terminal (stdout redirected), --batch is implied."})
public final class TopCommand implements Callable<Integer> {

    /** The cgroup tree read without {@code --cgroup-root} (servctl's defaults: /sys/fs/cgroup). */
    private final CgroupRoot defaultRoot;

    public TopCommand(CgroupRoot defaultRoot) {
        this.defaultRoot = Objects.requireNonNull(defaultRoot, "defaultRoot");
    }

    @Spec
    CommandSpec spec;

    @Mixin
    OutputFormat output;

    @Option(names = {"-b", "--batch"}, description = "plain text for scripts, no terminal control")
    boolean batch;

    @Option(names = {"-n", "--iterations"}, paramLabel = "N", description = "stop after N refreshes (default: run until q)")
    Optional<Integer> iterations;

    @Option(names = {"-d", "--delay"}, paramLabel = "SECONDS", defaultValue = "1",
            description = "seconds between refreshes (default: ${DEFAULT-VALUE})")
    double delaySeconds;

    @Option(names = "--order", paramLabel = "KEY", defaultValue = "cpu",
            description = "cpu, memory, tasks, io or pressure (default: ${DEFAULT-VALUE})")
    String order;

    @Option(names = "--depth", paramLabel = "N", defaultValue = "3",
            description = "deepest cgroup level shown, 1 = the root's children (default: ${DEFAULT-VALUE})")
    int depth;

    @Option(names = "--cgroup-root", paramLabel = "PATH",
            description = "cgroup mount to read (default: /sys/fs/cgroup; unified, hybrid or legacy)")
    Optional<Path> cgroupRoot;

    @Override
    public Integer call() throws ServctlException {
        if (iterations.isPresent() && iterations.get() < 1) {
            throw new ServctlException(ExitCodes.USAGE, "--iterations must be at least 1 [" + iterations.get() + "]");
        }
        if (!(delaySeconds >= 0.05) || delaySeconds > 3600) {
            throw new ServctlException(ExitCodes.USAGE, "--delay must be in [0.05, 3600] seconds [" + delaySeconds + "]");
        }
        SortOrder sort = parseOrder(order);
        if (depth < 0) {
            throw new ServctlException(ExitCodes.USAGE, "--depth must not be negative [" + depth + "]");
        }
        CgroupRoot root = cgroupRoot.map(CgroupRoot::new).orElse(defaultRoot);
        Duration delay = Duration.ofNanos((long) (delaySeconds * 1e9));
        try {
            TopSampler sampler = new TopSampler(CgroupMounts.detect(root), new CgroupReader(System::nanoTime), depth);
            // without -n: run until quit
            OptionalLong refreshes = iterations.map(n -> OptionalLong.of(n)).orElse(OptionalLong.empty());
            if (batch || System.console() == null) {
                runBatch(sampler, sort, delay, refreshes, spec.commandLine().getOut(), output.isJson(), Thread::sleep);
                return ExitCodes.OK;
            }
            if (output.isJson()) {
                throw new ServctlException(ExitCodes.USAGE, "--output json needs --batch");
            }
            return new LiveView(sampler, sort, delay, refreshes).run();
        } catch (IOException e) {
            throw new ServctlException(ExitCodes.FAILURE, "reading cgroups under [" + root.mountPoint() + "] failed: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILURE;
        }
    }

    /** Sleeps between refreshes; tests pass a no-op. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /**
     * Batch mode: reads, then {@code iterations} times (forever when empty) waits {@code delay}, reads
     * again and prints the rows of the interval (text blocks separated by a blank line, or one JSON object
     * per line).
     */
    static void runBatch(TopSampler sampler, SortOrder sort, Duration delay, OptionalLong iterations, PrintWriter out,
                         boolean json, Sleeper sleeper) throws IOException, InterruptedException {
        Map<String, CgroupSnapshot> previous = sampler.read();
        for (long i = 0; iterations.isEmpty() || i < iterations.getAsLong(); i++) {
            sleeper.sleep(delay.toMillis());
            Map<String, CgroupSnapshot> current = sampler.read();
            List<TopRow> rows = sorted(TopRows.between(previous, current), sort);
            Duration interval = interval(previous, current);
            if (json) {
                out.println(Json.formatCompact(TopJson.iteration(rows, sampler.mounts(), sort, interval)));
            } else {
                if (i > 0) {
                    out.println();
                }
                TopTable.format(rows, sampler.mounts(), sort, interval, BATCH_WIDTH, Integer.MAX_VALUE).forEach(out::println);
            }
            out.flush();
            previous = current;
        }
    }

    /** Batch lines are not cut to a terminal: wide enough for any path systemd makes in practice. */
    static final int BATCH_WIDTH = 400;

    static List<TopRow> sorted(List<TopRow> rows, SortOrder sort) {
        List<TopRow> copy = new ArrayList<>(rows);
        copy.sort(sort.comparator());
        return copy;
    }

    /** Wall time between two refreshes: from the first reading of each. */
    static Duration interval(Map<String, CgroupSnapshot> previous, Map<String, CgroupSnapshot> current) {
        if (previous.isEmpty() || current.isEmpty()) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(current.values().iterator().next().nanoTime()
                - previous.values().iterator().next().nanoTime());
    }

    static SortOrder parseOrder(String value) throws ServctlException {
        for (SortOrder o : SortOrder.values()) {
            if (o.label().equals(value)) {
                return o;
            }
        }
        throw new ServctlException(ExitCodes.USAGE, "--order must be one of cpu, memory, tasks, io, pressure ["
                + value + "]");
    }
}
