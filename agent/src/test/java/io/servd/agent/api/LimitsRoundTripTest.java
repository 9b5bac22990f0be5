package io.servd.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.servd.agent.access.BearerToken;
import io.servd.agent.access.ControlGroup;
import io.servd.agent.access.WriteAccess;
import io.servd.agent.http.Routes;
import io.servd.agent.limits.LimitsPlan;
import io.servd.agent.units.UnitTree;
import io.servd.cgroup.CgroupLayout;
import io.servd.cgroup.CgroupWrite;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.unit.DbusProperty;
import io.servd.cgroup.unit.DropIn;
import io.servd.cgroup.unit.DropInScope;
import io.servd.cgroup.unit.InvalidDirectiveException;
import io.servd.cgroup.unit.ResourceDirective;
import io.servd.cgroup.unit.ResourceDirectives;
import io.servd.cgroup.unit.UnitName;
import io.servd.testsupport.DirectiveValues;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Issue 16: every value a settable directive can take ({@link DirectiveValues}: bytes with suffixes,
 * percentages, {@code infinity}, the empty reset, {@code idle}, counts, 0, the largest long and past it)
 * goes through {@code PUT /v1/units/{unit}/limits} (a dry run, through the real HTTP pipeline) and comes
 * back as the cgroup library plans it: the D-Bus property ({@code UINT64_MAX} as systemd's word), the
 * drop-in, the cgroup writes; a value the library refuses is 422 with its message, never a 500.
 * servctl's SetRoundTripTest reads and prints the same shape.
 */
class LimitsRoundTripTest {

    static final String TOKEN = "round-trip-token";

    /** One {@code Name=value} of systemctl set-property's syntax. */
    record Assignment(String name, String value) {
        @Override
        public String toString() {
            return name + "=" + value;
        }
    }

    private final Routes routes = routes();

    /** Routes whose dry runs plan on {@link AgentApiTest#HOST}; nothing reads a cgroup tree for a dry run. */
    private static Routes routes() {
        var tree = new UnitTree(new CgroupRoot(Path.of("/nonexistent/cgroup")));
        var access = new WriteAccess(Optional.of(BearerToken.of(TOKEN)), new ControlGroup(Optional.empty(),
                Path.of("/nonexistent/group"), Path.of("/nonexistent/passwd")));
        var context = new AgentContext(tree, Optional.of(new AgentContext.Self("/system.slice/servd.service",
                CgroupLayout.UNIFIED)), Optional.empty(), Optional.of(AgentApiTest.HOST), access, new PrometheusRegistry());
        return AgentApi.register(Routes.builder(), context).build();
    }

    @Provide
    Arbitrary<Assignment> assignments() {
        return Arbitraries.of(ResourceDirectives.settableNames())
                .flatMap(name -> DirectiveValues.forDirective(name).map(value -> new Assignment(name, value)));
    }

    @Property(tries = 600)
    void everyValueOfEverySettableDirectiveRoundTrips(@ForAll("assignments") Assignment a) {
        Exchange.Response r = dryRun("{\"" + a.name() + "\":\"" + quote(a.value()) + "\",\"dryRun\":true}");
        ResourceDirective directive;
        LimitsPlan plan;
        try {
            directive = ResourceDirectives.parse(a.name(), a.value());
            plan = LimitsPlan.of(UnitName.of("demo.service"), List.of(directive), DropInScope.PERSISTENT,
                    Optional.of(AgentApiTest.HOST));
        } catch (InvalidDirectiveException e) {
            assertThat(r.status()).as(r.body()).isEqualTo(422);
            assertThat(r.body()).startsWith("{\"error\":\"invalid value\",\"detail\":\"" + quote(e.getMessage()) + "\"}");
            return;
        }
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"dryRun\":true", property(directive.dbusProperty()));
        for (DropIn d : plan.dropIns()) {
            assertThat(r.body()).contains("{\"path\":\"" + quote(d.path().toString()) + "\",\"content\":\""
                    + quote(d.content()) + "\"}");
        }
        for (CgroupWrite w : plan.cgroupWrites()) {
            assertThat(r.body()).contains("{\"file\":\"" + w.file().fileName() + "\",\"content\":\"" + w.content() + "\"}");
        }
        // the value as the library writes it parses back to the same directive (what a drop-in or a retry sends)
        assertThat(ResourceDirectives.parse(a.name(), directive.format())).isEqualTo(directive);
    }

    /** {@code "TasksMax": 100} is taken as {@code "100"}: the same answer for a count as a JSON number. */
    @Property(tries = 100)
    void aCountAsAJsonNumberIsItsDecimalText(@ForAll("assignments") Assignment a) {
        net.jqwik.api.Assume.that(a.value().matches("[0-9]{1,18}"));
        assertThat(dryRun("{\"" + a.name() + "\":" + a.value() + ",\"dryRun\":true}"))
                .isEqualTo(dryRun("{\"" + a.name() + "\":\"" + a.value() + "\",\"dryRun\":true}"));
    }

    /** The lifted limits of the report: systemd's word, never 18446744073709551615. */
    @Example
    void uint64MaxIsSystemdsWord() {
        for (String[] row : new String[][] {
                {"MemoryMax", "infinity", "{\"name\":\"MemoryMax\",\"signature\":\"t\",\"value\":\"infinity\"}"},
                {"TasksMax", "infinity", "{\"name\":\"TasksMax\",\"signature\":\"t\",\"value\":\"infinity\"}"},
                {"MemoryHigh", "", "{\"name\":\"MemoryHigh\",\"signature\":\"t\",\"value\":\"infinity\"}"},
                {"CPUQuota", "", "{\"name\":\"CPUQuotaPerSecUSec\",\"signature\":\"t\",\"value\":\"infinity\"}"},
                {"CPUWeight", "", "{\"name\":\"CPUWeight\",\"signature\":\"t\",\"value\":\"unset\"}"},
                {"CPUWeight", "idle", "{\"name\":\"CPUWeight\",\"signature\":\"t\",\"value\":0}"},
                {"MemoryMin", "", "{\"name\":\"MemoryMin\",\"signature\":\"t\",\"value\":0}"},
                {"MemoryMax", "7E", "{\"name\":\"MemoryMax\",\"signature\":\"t\",\"value\":8070450532247928832}"}}) {
            var r = dryRun("{\"" + row[0] + "\":\"" + row[1] + "\",\"dryRun\":true}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).as(row[0] + "=" + row[1]).contains(row[2]).doesNotContain("18446744073709551615");
        }
    }

    private Exchange.Response dryRun(String body) {
        return Exchange.http(routes, Exchange.put("/v1/units/demo.service/limits", "application/json", body)
                .replace("Host: x\r\n", "Host: x\r\nAuthorization: Bearer " + TOKEN + "\r\n"));
    }

    /**
     * The property as the API writes it: a number, or systemd's word for UINT64_MAX; an {@code ay} as an array of
     * bytes; an {@code a(st)} as an array of {@code {"path", "value"}} with the same numbers or words.
     */
    private static String property(DbusProperty p) {
        String value = switch (p.signature()) {
            case UINT64, UINT32 -> p.symbolic().map(w -> "\"" + w + "\"").orElse(p.unsignedValue());
            case BYTES -> "[" + String.join(",", p.bytes().stream().map(String::valueOf).toList()) + "]";
            case DEVICES -> "[" + String.join(",", p.devices().stream().map(d -> "{\"path\":\"" + quote(d.path()) + "\",\"value\":"
                    + p.symbolic(d).map(w -> "\"" + w + "\"").orElse(d.unsignedValue()) + "}").toList()) + "]";
        };
        return "{\"name\":\"" + p.name() + "\",\"signature\":\"" + p.signature().code() + "\",\"value\":" + value + "}";
    }

    private static String quote(String text) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(text));
    }
}
