package io.servd.servctl;

import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.ServctlException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.servd.cgroup.unit.DropInScope;
import io.servd.cgroup.unit.InvalidDirectiveException;
import io.servd.cgroup.unit.ResourceDirective;
import io.servd.cgroup.unit.ResourceDirectives;
import io.servd.cgroup.unit.SetProperty;
import io.servd.cgroup.unit.UnitName;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code servctl set UNIT PROP=VALUE...}: changes a unit's limits through the agent
 * ({@code PUT /v1/units/{unit}/limits}), like {@code systemctl set-property}. Every assignment is parsed
 * here first with the same parser the agent uses, so a typo fails with exit 2 before anything is sent.
 */
@Command(name = "set", mixinStandardHelpOptions = true,
        description = "Set resource limits of a unit, as systemctl set-property does.",
        footer = {"%nExample: servctl set demo.service MemoryMax=64M CPUQuota=50%%"})
final class SetCommand extends AgentCommand {

    private static final JsonFactory JSON = new JsonFactory();

    /** The properties the agent applies ({@code PUT /v1/units/{unit}/limits}): the cgroup library's one list. */
    static final List<String> PROPERTIES = ResourceDirectives.settableNames();

    /** The help text: the annotation's line plus the supported properties, which an annotation cannot compute. */
    static String[] description() {
        return new String[] {"Set resource limits of a unit, as systemctl set-property does.",
                "PROP is one of " + String.join(", ", PROPERTIES) + " (systemd syntax)."};
    }

    @Parameters(index = "0", paramLabel = "UNIT", description = "e.g. demo.service or bar.slice")
    String unit;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PROP=VALUE", description = "e.g. MemoryMax=64M CPUQuota=50%%")
    List<String> assignments;

    @Option(names = "--runtime", description = "until the next reboot only (drop-ins under /run/systemd/system.control)")
    boolean runtime;

    @Option(names = "--dry-run", description = "print the plan (drop-ins, cgroup writes) and change nothing")
    boolean dryRun;

    @Override
    public Integer call() throws ServctlException {
        Map<String, String> properties = parseAssignments(unit, assignments);
        JsonNode result = ask("PUT", LimitsCommand.unitPath(unit) + "/limits",
                Optional.of(body(properties, runtime, dryRun)));
        print(result, answer -> PlainText.format(answer));
        return ExitCodes.OK;
    }

    /**
     * Splits and validates {@code PROP=VALUE} words with {@link ResourceDirectives#parse} and the unit name
     * with systemd's rules ({@link UnitName#of}, {@link SetProperty#plan}); a later assignment of the same
     * property wins.
     *
     * @return property → value as typed, in order
     * @throws ServctlException {@link ExitCodes#USAGE}, naming the bad word, value or unit in brackets
     */
    static Map<String, String> parseAssignments(String unit, List<String> words) throws ServctlException {
        Map<String, String> properties = new LinkedHashMap<>();
        List<ResourceDirective> directives = new ArrayList<>();
        for (String word : words) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new ServctlException(ExitCodes.USAGE, "expected PROP=VALUE, got [" + word + "]");
            }
            String name = word.substring(0, eq);
            String value = word.substring(eq + 1);
            if (!ResourceDirectives.isSettable(name)) {
                throw new ServctlException(ExitCodes.USAGE, "unsupported property [" + name + "] in [" + word
                        + "]; supported: " + PROPERTIES);
            }
            try {
                directives.add(ResourceDirectives.parse(name, value));
            } catch (InvalidDirectiveException e) {
                throw new ServctlException(ExitCodes.USAGE, e.getMessage(), e);
            }
            properties.remove(name);
            properties.put(name, value);
        }
        try {
            SetProperty.plan(UnitName.of(unit), directives, DropInScope.PERSISTENT);
        } catch (IllegalArgumentException e) {
            throw new ServctlException(ExitCodes.USAGE, e.getMessage(), e);
        }
        return properties;
    }

    /** {@code {"MemoryMax":"64M",...,"runtime":false,"dryRun":false}}, the request body of agent/API.md. */
    static String body(Map<String, String> properties, boolean runtime, boolean dryRun) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, String> e : properties.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeBooleanField("runtime", runtime);
            g.writeBooleanField("dryRun", dryRun);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
