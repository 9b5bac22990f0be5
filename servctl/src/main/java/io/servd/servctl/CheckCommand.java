package io.servd.servctl;

import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.ServctlException;
import io.servd.servctl.cli.OutputFormat;
import io.servd.servctl.cli.Json;
import io.servd.cgroup.unit.Diagnostic;
import io.servd.cgroup.unit.ParseResult;
import io.servd.cgroup.unit.UnitFile;
import io.servd.cgroup.unit.UnitOption;
import io.servd.cgroup.unit.UnitResources;
import io.servd.agent.config.Config;
import io.servd.agent.config.ConfigException;
import io.servd.agent.config.ConfigFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code servctl check FILE}: strict validation of a unit file, drop-in or {@code servd.conf}, without the
 * agent. Prints one {@code file:line: problem: Directive=[value]} line per diagnostic and exits 1 when there
 * is any, 0 when the file is clean, 2 when it cannot be read. Unit files are lexed as systemd does and
 * their resource-control directives parsed with systemd's rules; other directives are not judged.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validate a unit file, drop-in or servd.conf strictly: any diagnostic is a failure (exit 1).",
                "Works without the agent."})
final class CheckCommand implements Callable<Integer> {

    /** The sections of unit types with resource control, where its directives live. */
    private static final Set<String> RESOURCE_SECTIONS = Set.of("Service", "Slice", "Scope", "Socket", "Mount", "Swap");

    private static final Set<String> CONFIG_SECTIONS = Set.of("HTTP", "Agent", "Log", "Control");

    /** What the file is: decided by name and sections ({@code auto}), or forced. */
    enum Kind { auto, unit, config }

    @Spec
    CommandSpec spec;

    @Mixin
    OutputFormat output;

    @Option(names = "--type", paramLabel = "KIND", defaultValue = "auto",
            description = "unit, config (servd.conf) or auto: servd.conf by name or by its sections (default: ${DEFAULT-VALUE})")
    Kind kind;

    @Parameters(index = "0", paramLabel = "FILE", description = "a unit file (foo.service), a drop-in (foo.service.d/x.conf) or servd.conf")
    Path file;

    @Override
    public Integer call() throws ServctlException {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ServctlException(ExitCodes.USAGE, "cannot read [" + file + "]: " + e, e);
        }
        ParseResult<UnitFile> lexed = UnitFile.parse(file.toString(), content);
        boolean config = kind == Kind.config || (kind == Kind.auto && looksLikeConfig(lexed.value()));
        List<Diagnostic> diagnostics = config ? checkConfig(content) : checkUnit(lexed);
        StringBuilder out = new StringBuilder();
        if (output.isJson()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("file", file.toString());
            doc.put("kind", config ? "config" : "unit");
            doc.put("clean", diagnostics.isEmpty());
            List<Object> list = new ArrayList<>();
            for (Diagnostic d : diagnostics) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("file", d.file());
                m.put("line", (long) d.line());
                m.put("directive", d.directive());
                m.put("value", d.value());
                m.put("problem", d.problem());
                list.add(m);
            }
            doc.put("diagnostics", list);
            out.append(Json.formatPretty(doc));
        } else {
            diagnostics.forEach(d -> out.append(d).append('\n'));
            if (diagnostics.isEmpty()) {
                out.append(file).append(": ok (").append(config ? "servd.conf" : "unit file").append(")\n");
            }
        }
        ServctlMain.print(spec.commandLine(), out.toString());
        return diagnostics.isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private boolean looksLikeConfig(UnitFile unit) {
        if (file.getFileName() != null && file.getFileName().toString().equals("servd.conf")) {
            return true;
        }
        return !unit.options().isEmpty()
                && unit.options().stream().allMatch(o -> CONFIG_SECTIONS.contains(o.section()));
    }

    /** The lexer's diagnostics, then those of every resource directive in every section that can hold them. */
    private static List<Diagnostic> checkUnit(ParseResult<UnitFile> lexed) {
        List<Diagnostic> diagnostics = new ArrayList<>(lexed.diagnostics());
        List<String> sections = lexed.value().options().stream().map(UnitOption::section).distinct()
                .filter(RESOURCE_SECTIONS::contains).toList();
        for (String section : sections) {
            diagnostics.addAll(UnitResources.fromUnit(lexed.value(), section).diagnostics());
        }
        diagnostics.sort(Comparator.comparingInt(Diagnostic::line));
        return diagnostics;
    }

    private List<Diagnostic> checkConfig(String content) {
        try {
            ConfigFile.parse(file, content, Config.defaults());
            return List.of();
        } catch (ConfigException e) {
            return e.diagnostics();
        }
    }
}
