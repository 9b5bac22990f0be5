package io.servd.servctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.servd.agent.config.HistoryTime;
import io.servd.cgroup.unit.UnitName;
import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.Json;
import io.servd.servctl.cli.ServctlException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code servctl history UNIT [--since TIME] [--until TIME] [--step SPAN] [--output text|json|csv|openmetrics]}:
 * a unit's recorded samples ({@code GET /v1/units/{unit}/history}). TIMEs are resolved here, on this
 * machine's clock, with the agent's own parser ({@link HistoryTime}), and the range is asked for in
 * pages of at most {@link #PAGE} samples, so that each answer stays well under servctl's 4 MiB
 * (about 1 KB of JSON a sample) and the output starts at once; {@code openmetrics} is one answer,
 * bounded by the agent (a document cannot be split into pages).
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Show a unit's recorded usage, limits and state over time (text, json, csv or openmetrics).")
final class HistoryCommand implements Callable<Integer> {
    /** Samples per request: 2,000 × ~1 KB of JSON. */
    static final int PAGE = 2_000;
    /** The agent records at least every second ([History] IntervalSec= ≥ 1s): a page of seconds holds at most PAGE. */
    private static final Duration FINEST = Duration.ofSeconds(1);

    enum Format { text, json, csv, openmetrics }

    @ParentCommand
    ServctlMain parent;

    @Spec
    CommandSpec spec;

    @Mixin
    AgentConnection agent;

    @Parameters(index = "0", paramLabel = "UNIT", description = "the unit, e.g. demo.service")
    String unit;

    @Option(names = "--since", paramLabel = "TIME", defaultValue = "-1h",
            description = "RFC 3339 (2026-12-03T03:00:00Z), epoch seconds, now or relative (-1h, -15m); default ${DEFAULT-VALUE}")
    String since;

    @Option(names = "--until", paramLabel = "TIME", defaultValue = "now", description = "as --since; default ${DEFAULT-VALUE}")
    String until;

    @Option(names = "--step", paramLabel = "SPAN",
            description = "at most one sample per SPAN (5s, 1m, 1min 30s); default: the agent's recording interval")
    String step;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text, json, csv or openmetrics (for promtool tsdb create-blocks-from openmetrics); default ${DEFAULT-VALUE}")
    Format format;

    private final Clock clock;

    HistoryCommand() {
        this(Clock.systemUTC());
    }

    HistoryCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws ServctlException {
        if (!UnitName.isValid(unit)) {
            throw new ServctlException(ExitCodes.USAGE, "not a unit name [" + unit + "]");
        }
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        Instant from = time("--since", since, now);
        Instant to = time("--until", until, now);
        Optional<Duration> every = Optional.empty();
        if (step != null) {
            try {
                every = Optional.of(HistoryTime.parseStep(step));
            } catch (IllegalArgumentException e) {
                throw new ServctlException(ExitCodes.USAGE, "invalid --step [" + step + "]: " + e.getMessage());
            }
        }
        if (to.isBefore(from)) {
            throw new ServctlException(ExitCodes.USAGE, "--until [" + to + "] is before --since [" + from + "]");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.openmetrics) {
            agent.stream(parent, path(from, to, every), "application/openmetrics-text; version=1.0.0", out::println);
            out.flush();
            return ExitCodes.OK;
        }
        // pages of PAGE steps (or seconds): aligned to --since, so that the agent's steps run on across pages
        Duration page = every.filter(s -> s.compareTo(FINEST) > 0).orElse(FINEST).multipliedBy(PAGE);
        var printer = new HistoryTable(format, unit, from, to, out);
        for (Instant p = from; !p.isAfter(to); p = p.plus(page)) {
            Instant last = p.plus(page).minusNanos(1000).isBefore(to) ? p.plus(page).minusNanos(1000) : to;
            JsonNode answer = agent.call(parent, "GET", path(p, last, every), Optional.empty());
            printer.page(answer);
        }
        printer.end();
        out.flush();
        return ExitCodes.OK;
    }

    private String path(Instant from, Instant to, Optional<Duration> every) {
        return "/v1/units/" + URLEncoder.encode(unit, StandardCharsets.UTF_8) + "/history?since=" + from + "&until=" + to
                + every.map(s -> "&step=" + URLEncoder.encode(HistoryTime.formatStep(s), StandardCharsets.UTF_8)).orElse("");
    }

    private static Instant time(String option, String value, Instant now) throws ServctlException {
        try {
            return HistoryTime.parse(value, now);
        } catch (IllegalArgumentException e) {
            throw new ServctlException(ExitCodes.USAGE, "invalid " + option + " [" + value + "]: " + e.getMessage());
        }
    }
}
