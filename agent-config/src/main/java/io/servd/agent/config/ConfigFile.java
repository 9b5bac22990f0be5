package io.servd.agent.config;

import io.servd.cgroup.PsiTrigger;
import io.servd.cgroup.unit.Diagnostic;
import io.servd.cgroup.unit.InvalidDirectiveException;
import io.servd.cgroup.unit.TimeSpan;
import io.servd.cgroup.unit.UnitFile;
import io.servd.cgroup.unit.UnitOption;
import io.servd.netpoll.Preference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads {@code servd.conf} over the defaults. Strict: any problem — an unknown section or directive, a
 * value that does not parse — rejects the whole file with every problem listed, so that a reload never
 * half-applies a file (systemd is lenient with unit files; a daemon's own file is better refused whole,
 * as {@code nginx -t} does). A missing file is normal and yields the defaults.
 *
 * <pre>
 * [HTTP]    Listen=127.0.0.1:9470   TokenFile=/etc/servd/token | TokenCredential=servd-token
 *           MaxConnections=256   AllowedHosts=
 *           IdleTimeoutSec=60s   HeaderTimeoutSec=10s   ReadTimeoutSec=10s
 * [Agent]   Transport=auto          DrainTimeoutSec=10s
 * [Log]     Level=info
 * [Control] Socket=/run/servd/control.sock   Group=servd
 * [Pressure] Trigger=some 150000 2000000   HighWater=90%   LowWater=75%   QuietSec=10s
 *           RetryAfterSec=5s   SampleSec=1s   ExemptPaths=/healthz /readyz
 * [Metrics] Units=*.service *.slice   ExcludeUnits=user@*.service   (globs; each line adds, empty clears)
 * [Events]  SampleSec=5s   PressureThreshold=10%   PressureClear=5%   MaxFollowers=16   HeartbeatSec=15s
 * [History] IntervalSec=5s   RetentionSec=7d   MaxSize=256M   Directory=   (empty: $STATE_DIRECTORY/history)
 * </pre>
 */
public final class ConfigFile {
    private static final Map<String, Set<String>> KNOWN = Map.of(
            "HTTP", Set.of("Listen", "TokenFile", "TokenCredential", "MaxConnections", "IdleTimeoutSec", "HeaderTimeoutSec",
                    "ReadTimeoutSec", "AllowedHosts"),
            "Agent", Set.of("Transport", "DrainTimeoutSec"),
            "Log", Set.of("Level"),
            "Control", Set.of("Socket", "Group"),
            "Pressure", Set.of("Trigger", "HighWater", "LowWater", "QuietSec", "RetryAfterSec", "SampleSec",
                    "ExemptPaths"),
            "Metrics", Set.of("Units", "ExcludeUnits"),
            "Events", Set.of("SampleSec", "PressureThreshold", "PressureClear", "MaxFollowers", "HeartbeatSec"),
            "History", Set.of("IntervalSec", "RetentionSec", "MaxSize", "Directory"));

    private ConfigFile() {}

    /**
     * The configuration in {@code file} over {@code defaults}; {@code defaults} itself (with
     * {@code configFile} set) when the file does not exist.
     *
     * @throws ConfigException when the file cannot be read or has any problem; nothing is applied then
     */
    public static Config load(Path file, Config defaults) throws ConfigException {
        String content;
        try {
            content = Files.readString(file);
        } catch (NoSuchFileException e) {
            return withFile(defaults, file);
        } catch (IOException e) {
            throw new ConfigException("cannot read [" + file + "]: " + e, List.of());
        }
        return parse(file, content, defaults);
    }

    /** As {@link #load}, from text already read; {@code file} names it in messages. */
    public static Config parse(Path file, String content, Config defaults) throws ConfigException {
        var parsed = UnitFile.parse(file.toString(), content);
        List<Diagnostic> problems = new ArrayList<>(parsed.diagnostics());
        UnitFile unit = parsed.value();
        for (UnitOption option : unit.options()) {
            if (!KNOWN.getOrDefault(option.section(), Set.of()).contains(option.name())) {
                problems.add(new Diagnostic(unit.file(), option.line(), option.name(), option.value(),
                        KNOWN.containsKey(option.section())
                                ? "unknown directive in [" + option.section() + "]"
                                : "unknown section [" + option.section() + "]"));
            }
        }
        var values = new Values(unit, problems);
        Config config = withFile(defaults, file);
        Optional<Path> tokenFile = values.get("HTTP", "TokenFile", ConfigFile::absolutePath);
        Optional<String> tokenCredential = values.get("HTTP", "TokenCredential", Config::parseCredentialName);
        if (tokenFile.isPresent() && tokenCredential.isPresent()) {
            UnitOption second = unit.last("HTTP", "TokenCredential").get();
            problems.add(new Diagnostic(unit.file(), second.line(), second.name(), second.value(),
                    "TokenFile= is set too: give one of TokenFile= and TokenCredential="));
            tokenCredential = Optional.empty();
        } else if (tokenFile.isPresent() || tokenCredential.isPresent()) {
            // the file's one source replaces either from the defaults: a Config holds at most one
            config = new Config(config.configFile(), config.httpListen(), config.transport(), config.drainTimeout(),
                    config.logLevel(), Optional.empty(), config.controlSocket(), config.controlGroup(),
                    config.httpLimits(), Optional.empty(), config.pressure(), config.metrics(), config.events(),
                    config.history());
        }
        config = new Config(config.configFile(),
                values.get("HTTP", "Listen", v -> Config.parseListen(v, "Listen")).orElse(config.httpListen()),
                values.get("Agent", "Transport", Preference::parse).orElse(config.transport()),
                values.get("Agent", "DrainTimeoutSec", v -> TimeSpan.parse("DrainTimeoutSec", v).duration())
                        .orElse(config.drainTimeout()),
                values.get("Log", "Level", Config::parseLogLevel).orElse(config.logLevel()),
                tokenFile.or(config::tokenFile),
                values.get("Control", "Socket", ConfigFile::absolutePath).orElse(config.controlSocket()),
                values.get("Control", "Group", v -> v).orElse(config.controlGroup()),
                httpLimits(values, config.httpLimits()),
                tokenCredential.or(config::tokenCredential),
                pressure(values, config.pressure(), problems, unit),
                new MetricsSettings(globs(unit, "Units", config.metrics().include(), problems),
                        globs(unit, "ExcludeUnits", config.metrics().exclude(), problems)),
                events(values, config.events(), problems, unit),
                history(values, config.history(), problems, unit));
        if (!problems.isEmpty()) {
            throw new ConfigException("[" + file + "] has " + problems.size() + " problem(s): "
                    + problems.stream().map(Diagnostic::toString).collect(Collectors.joining("; ")), problems);
        }
        return config;
    }

    private static Config withFile(Config c, Path file) {
        return new Config(file, c.httpListen(), c.transport(), c.drainTimeout(), c.logLevel(), c.tokenFile(),
                c.controlSocket(), c.controlGroup(), c.httpLimits(), c.tokenCredential(), c.pressure(), c.metrics(), c.events(),
                c.history());
    }

    private static PressureSettings pressure(Values values, PressureSettings d, List<Diagnostic> problems,
                                             UnitFile unit) {
        PsiTrigger trigger = values.get("Pressure", "Trigger", PsiTrigger::parse).orElse(d.trigger());
        double high = values.get("Pressure", "HighWater", PressureSettings::parsePercent).orElse(d.highWater());
        double low = values.get("Pressure", "LowWater", PressureSettings::parsePercent).orElse(d.lowWater());
        try {
            return new PressureSettings(trigger, high, low,
                    values.get("Pressure", "QuietSec", v -> positiveSpan("QuietSec", v)).orElse(d.quiet()),
                    values.get("Pressure", "RetryAfterSec", ConfigFile::wholeSeconds).orElse(d.retryAfter()),
                    values.get("Pressure", "SampleSec", v -> positiveSpan("SampleSec", v)).orElse(d.sample()),
                    values.get("Pressure", "ExemptPaths", PressureSettings::parsePaths).orElse(d.exemptPaths()));
        } catch (IllegalArgumentException e) { // each parsed, but LowWater= is not below HighWater=
            UnitOption at = unit.last("Pressure", "LowWater").or(() -> unit.last("Pressure", "HighWater")).orElseThrow();
            problems.add(new Diagnostic(unit.file(), at.line(), at.name(), at.value(), e.getMessage()));
            return d;
        }
    }

    /**
     * A list directive of {@code [Metrics]}: every assignment adds its patterns to the defaults', an
     * empty one clears what came before (systemd's rule for list settings such as {@code Environment=}).
     */
    private static List<UnitGlob> globs(UnitFile unit, String name, List<UnitGlob> defaults, List<Diagnostic> problems) {
        List<UnitGlob> globs = new ArrayList<>(defaults);
        for (UnitOption option : unit.options()) {
            if (!option.section().equals("Metrics") || !option.name().equals(name)) {
                continue;
            }
            if (option.value().isBlank()) {
                globs.clear();
                continue;
            }
            try {
                globs.addAll(MetricsSettings.parseGlobs(option.value()));
            } catch (IllegalArgumentException e) {
                problems.add(new Diagnostic(unit.file(), option.line(), name, option.value(), e.getMessage()));
            }
        }
        return globs;
    }

    private static EventSettings events(Values values, EventSettings d, List<Diagnostic> problems, UnitFile unit) {
        double threshold = values.get("Events", "PressureThreshold", EventSettings::parsePercent).orElse(d.pressureThreshold());
        double clear = values.get("Events", "PressureClear", EventSettings::parsePercent).orElse(d.pressureClear());
        try {
            return new EventSettings(
                    values.get("Events", "SampleSec", v -> positiveSpan("SampleSec", v)).orElse(d.sample()),
                    threshold, clear,
                    values.get("Events", "MaxFollowers", EventSettings::parseCount).orElse(d.maxFollowers()),
                    values.get("Events", "HeartbeatSec", v -> positiveSpan("HeartbeatSec", v)).orElse(d.heartbeat()));
        } catch (IllegalArgumentException e) { // each parsed, but PressureClear= is not below PressureThreshold=
            UnitOption at = unit.last("Events", "PressureClear").or(() -> unit.last("Events", "PressureThreshold")).orElseThrow();
            problems.add(new Diagnostic(unit.file(), at.line(), at.name(), at.value(), e.getMessage()));
            return d;
        }
    }

    private static HistorySettings history(Values values, HistorySettings d, List<Diagnostic> problems, UnitFile unit) {
        var interval = values.get("History", "IntervalSec", HistorySettings::parseInterval).orElse(d.interval());
        var retention = values.get("History", "RetentionSec", v -> TimeSpan.parse("RetentionSec", v).duration())
                .orElse(d.retention());
        var maxSize = values.get("History", "MaxSize", HistorySettings::parseMaxSize).orElse(d.maxSize());
        var directory = values.get("History", "Directory", ConfigFile::absolutePath).or(d::directory);
        try {
            return new HistorySettings(interval, retention, maxSize, directory);
        } catch (IllegalArgumentException e) { // each parsed, but RetentionSec= is below IntervalSec=
            UnitOption at = unit.last("History", "RetentionSec").or(() -> unit.last("History", "IntervalSec")).orElseThrow();
            problems.add(new Diagnostic(unit.file(), at.line(), at.name(), at.value(), e.getMessage()));
            return d;
        }
    }

    private static HttpLimits httpLimits(Values values, HttpLimits defaults) {
        return new HttpLimits(
                values.get("HTTP", "MaxConnections", HttpLimits::parseMaxConnections).orElse(defaults.maxConnections()),
                values.get("HTTP", "IdleTimeoutSec", v -> positiveSpan("IdleTimeoutSec", v)).orElse(defaults.idleTimeout()),
                values.get("HTTP", "HeaderTimeoutSec", v -> positiveSpan("HeaderTimeoutSec", v))
                        .orElse(defaults.headerTimeout()),
                values.get("HTTP", "ReadTimeoutSec", v -> positiveSpan("ReadTimeoutSec", v)).orElse(defaults.readTimeout()),
                values.get("HTTP", "AllowedHosts", HttpLimits::parseAllowedHosts).orElse(defaults.allowedHosts()));
    }

    /** A systemd time span that must not be zero: a zero timeout would close every connection at once. */
    private static java.time.Duration positiveSpan(String directive, String value) {
        java.time.Duration d = TimeSpan.parse(directive, value).duration();
        if (d.isZero()) {
            throw new IllegalArgumentException("expected a positive time span");
        }
        return d;
    }

    /** Retry-After carries whole seconds: at least 1 s, fractions are refused rather than rounded. */
    private static java.time.Duration wholeSeconds(String value) {
        java.time.Duration d = TimeSpan.parse("RetryAfterSec", value).duration();
        if (d.toSeconds() < 1 || d.toNanos() % 1_000_000_000L != 0) {
            throw new IllegalArgumentException("expected whole seconds, at least 1s");
        }
        return d;
    }

    private static Path absolutePath(String value) {
        Path path = Path.of(value);
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("expected an absolute path");
        }
        return path;
    }

    /** Reads single-valued directives (last assignment wins), turning parse failures into diagnostics. */
    private record Values(UnitFile unit, List<Diagnostic> problems) {
        <T> Optional<T> get(String section, String name, java.util.function.Function<String, T> parser) {
            Optional<UnitOption> option = unit.last(section, name);
            if (option.isEmpty() || option.get().value().isEmpty()) {
                return Optional.empty(); // empty assignment resets to the default, as in unit files
            }
            try {
                return Optional.of(parser.apply(option.get().value()));
            } catch (InvalidDirectiveException e) {
                problems.add(new Diagnostic(unit.file(), option.get().line(), name, option.get().value(), e.reason()));
            } catch (IllegalArgumentException e) {
                problems.add(new Diagnostic(unit.file(), option.get().line(), name, option.get().value(),
                        e.getMessage()));
            }
            return Optional.empty();
        }
    }
}
