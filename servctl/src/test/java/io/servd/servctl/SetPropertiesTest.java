package io.servd.servctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import com.fasterxml.jackson.databind.JsonNode;
import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupWrite;
import io.servd.cgroup.unit.CgroupSettings;
import io.servd.cgroup.unit.DbusProperty;
import io.servd.cgroup.unit.DropIn;
import io.servd.cgroup.unit.DropInScope;
import io.servd.cgroup.unit.HostResources;
import io.servd.cgroup.unit.InvalidDirectiveException;
import io.servd.cgroup.unit.ResourceDirective;
import io.servd.cgroup.unit.ResourceDirectives;
import io.servd.cgroup.unit.SetProperty;
import io.servd.cgroup.unit.UnitName;
import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.Json;
import io.servd.servctl.cli.ServctlException;
import io.servd.testsupport.DirectiveValues;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * servctl accepts every property the agent accepts: both take their list from the cgroup library's
 * {@link ResourceDirectives#settableNames()}, and the agent's LimitsRequestTest proves that it accepts
 * exactly that list. Here each name goes through {@code servctl set --dry-run} to a fake agent, and
 * (issue 16) every value class of every settable directive: parsed here as the agent parses it (a
 * refused value exits 2 with the library's message and sends nothing), sent as typed, and the agent's
 * answer (agent/API.md's shape, as the agent's LimitsRoundTripTest checks it is written) printed back
 * whole, {@code UINT64_MAX} words and 64-bit numbers included, in JSON and in text.
 */
class SetPropertiesTest {

    /** One valid value per settable property, in systemd syntax. */
    static final Map<String, String> SAMPLES = io.servd.testsupport.DirectiveValues.SAMPLES;

    @TempDir
    Path tmp;

    FakeAgent agent;

    @BeforeEach
    void start() throws java.io.IOException {
        agent = new FakeAgent();
        agent.answer("PUT /v1/units/demo.service/limits", 200, "{\"unit\":\"demo.service\",\"dryRun\":true}");
    }

    @AfterEach
    void stop() {
        agent.close();
    }

    static Stream<String> settable() {
        return ResourceDirectives.settableNames().stream();
    }

    @Test
    void everySettablePropertyHasASample() {
        assertThat(SAMPLES.keySet()).containsAll(ResourceDirectives.settableNames());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settable")
    void setDryRunSendsEverySettableProperty(String name) throws java.io.IOException {
        String assignment = name + "=" + SAMPLES.get(name);
        Run run = Run.of(Run.isolated(tmp), "set", "demo.service", assignment, "--dry-run", "--agent", agent.url());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(agent.requests).hasSize(1);
        assertThat(Json.parse(agent.requests.get(0).body())).isEqualTo(
                Json.parse("{\"" + name + "\":\"" + SAMPLES.get(name) + "\",\"runtime\":false,\"dryRun\":true}"));
    }

    @Test
    void helpListsTheSettableProperties() {
        Run run = Run.of(Run.isolated(tmp), "set", "--help");
        assertThat(run.out().replaceAll("\\s+", " ")).contains("PROP is one of " + String.join(", ", ResourceDirectives.settableNames()));
    }

    static final HostResources HOST = new HostResources(ByteSize.ofMebibytes(8192), 4096, 4_194_303L);

    static Stream<Arguments> edges() {
        return ResourceDirectives.settableNames().stream()
                .flatMap(name -> DirectiveValues.edges(name).stream().map(value -> Arguments.of(name, value)));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("edges")
    void everyValueClassRoundTripsThroughSetAndItsOutput(String name, String value) throws IOException {
        ResourceDirective directive;
        try {
            directive = ResourceDirectives.parse(name, value);
            SetProperty.plan(UnitName.of("demo.service"), List.of(directive), DropInScope.PERSISTENT);
        } catch (InvalidDirectiveException e) {
            Run run = set(name + "=" + value);
            assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(run.err()).isEqualTo("servctl: " + e.getMessage() + "\n");
            assertThat(agent.requests).isEmpty();
            return;
        }
        String answer = Json.formatCompact(answer(directive));
        agent.answer("PUT /v1/units/demo.service/limits", 200, answer);

        Run json = set(name + "=" + value, "--output", "json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(Json.parse(agent.requests.get(0).body())).isEqualTo(Json.parse(SetCommand.body(Map.of(name, value),
                false, true)));
        assertThat(agent.requests.get(0).body()).contains(Json.formatCompact(name) + ":" + Json.formatCompact(value));
        assertThat(Json.parse(json.out())).isEqualTo(Json.parse(answer));

        Run text = set(name + "=" + value);
        assertThat(text.exitCode()).as(text.err()).isZero();
        DbusProperty p = directive.dbusProperty();
        // a number or systemd's word in its cell; a byte array or a device list as PlainText shows a list there
        String shown = p.isNumber() ? java.util.regex.Pattern.quote(p.symbolic().orElse(p.unsignedValue())) + "\n" : "";
        assertThat(text.out()).containsPattern("\n    " + java.util.regex.Pattern.quote(p.name()) + " +"
                + java.util.regex.Pattern.quote(p.signature().code()) + " +" + shown);
        p.devices().forEach(device -> assertThat(text.out()).contains(device.path()));
        assertThat(text.out()).contains("\n        " + directive.dropInLine().replace("\n", "\n        ") + "\n");
    }

    @Provide
    Arbitrary<Map.Entry<String, String>> assignments() {
        return Arbitraries.of(ResourceDirectives.settableNames())
                .flatMap(name -> DirectiveValues.forDirective(name).map(value -> Map.entry(name, value)));
    }

    /** Any value: servctl takes exactly what the agent's parser takes, sends it verbatim, or exits 2 with its message. */
    @Property(tries = 500)
    void setParsesAsTheAgentDoesAndSendsTheValueVerbatim(@ForAll("assignments") Map.Entry<String, String> a)
            throws IOException, ServctlException {
        String word = a.getKey() + "=" + a.getValue();
        try {
            ResourceDirectives.parse(a.getKey(), a.getValue());
        } catch (InvalidDirectiveException e) {
            assertThatThrownBy(() -> SetCommand.parseAssignments("demo.service", List.of(word)))
                    .isInstanceOf(ServctlException.class).hasMessage(e.getMessage())
                    .satisfies(s -> assertThat(((ServctlException) s).exitCode()).isEqualTo(ExitCodes.USAGE));
            return;
        }
        Map<String, String> properties = SetCommand.parseAssignments("demo.service", List.of(word));
        JsonNode body = Json.parse(SetCommand.body(properties, false, false));
        assertThat(body.path(a.getKey()).textValue()).isEqualTo(a.getValue());
    }

    private Run set(String... words) {
        String[] args = Stream.concat(Stream.of("set", "demo.service"), Stream.concat(Stream.of(words),
                Stream.of("--dry-run", "--agent", agent.url()))).toArray(String[]::new);
        return Run.of(Run.isolated(tmp), args);
    }

    /** A dry run's answer as agent/API.md documents it, planned by the cgroup library as the agent plans it. */
    private static Map<String, Object> answer(ResourceDirective d) {
        DbusProperty p = d.dbusProperty();
        Object value = value(p);
        List<DropIn> dropIns = SetProperty.plan(UnitName.of("demo.service"), List.of(d), DropInScope.PERSISTENT);
        List<CgroupWrite> writes = CgroupSettings.of(List.of(d)).plannedWrites(HOST);
        return object("unit", "demo.service", "applier", "dbus", "runtime", false, "scope", "persistent",
                "dryRun", true, "plan", object(
                        "properties", List.of(object("name", p.name(), "signature", p.signature().code(), "value", value)),
                        "dropIns", dropIns.stream().map(i -> object("path", i.path().toString(), "content", i.content())).toList(),
                        "cgroupWrites", writes.stream().map(w -> object("file", w.file().fileName(), "content", w.content()))
                                .toList()));
    }

    /** A property's {@code value} as agent/API.md writes it: number or word; bytes; {@code {path, value}} entries. */
    private static Object value(DbusProperty p) {
        return switch (p.signature()) {
            case UINT64, UINT32 -> p.symbolic().isPresent() ? p.symbolic().get() : new java.math.BigInteger(p.unsignedValue());
            case BYTES -> p.bytes();
            case DEVICES -> p.devices().stream().map(e -> object("path", e.path(), "value",
                    p.symbolic(e).isPresent() ? p.symbolic(e).get() : new java.math.BigInteger(e.unsignedValue()))).toList();
        };
    }

    /** A JSON object with its members in this order. */
    private static Map<String, Object> object(Object... members) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < members.length; i += 2) {
            m.put((String) members[i], members[i + 1]);
        }
        return m;
    }
}
