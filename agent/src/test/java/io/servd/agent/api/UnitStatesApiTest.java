package io.servd.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.servd.agent.access.ControlGroup;
import io.servd.agent.access.WriteAccess;
import io.servd.agent.http.Routes;
import io.servd.agent.units.ActiveState;
import io.servd.agent.units.UnitState;
import io.servd.agent.units.UnitStates;
import io.servd.agent.units.UnitTree;
import io.servd.cgroup.CgroupLayout;
import io.servd.cgroup.fs.CgroupRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Unit states in /v1/units, /v1/units/{unit} and /v1/self, on the captured debian12-systemd252 tree. */
class UnitStatesApiTest {
    static final UnitState FOO = UnitState.of("foo.service", ActiveState.ACTIVE, "running")
            .withResult(Optional.of("success")).withNRestarts(OptionalLong.of(1)).withMainPid(OptionalLong.of(4242))
            .withActiveEnter(Optional.of(Instant.parse("2023-11-14T22:13:20.123456Z")));
    /** Failed: no cgroup left, a state still. */
    static final UnitState BROKEN = UnitState.of("broken.service", ActiveState.FAILED, "failed")
            .withResult(Optional.of("exit-code")).withNRestarts(OptionalLong.of(0));

    /** FOO's unit object up to its cgroup fields. */
    static final String FOO_JSON = "{\"unit\":\"foo.service\",\"activeState\":\"active\",\"subState\":\"running\","
            + "\"result\":\"success\",\"nRestarts\":1,\"activeEnterTimestamp\":\"2023-11-14T22:13:20.123456Z\","
            + "\"activeEnterTimestampUsec\":1700000000123456,\"mainPid\":4242";
    /** BROKEN's whole unit object: state only. */
    static final String BROKEN_JSON = "{\"unit\":\"broken.service\",\"activeState\":\"failed\",\"subState\":\"failed\","
            + "\"result\":\"exit-code\",\"nRestarts\":0}";

    @TempDir
    Path tmp;

    Routes routes(UnitStates states) throws IOException {
        Path cgroupfs = Fixtures.copy("debian12-systemd252", Files.createTempDirectory(tmp, "cgroup"));
        var access = new WriteAccess(Optional.empty(), new ControlGroup(Optional.empty(), tmp.resolve("group"),
                tmp.resolve("passwd")));
        var context = new AgentContext(new UnitTree(new CgroupRoot(cgroupfs)),
                Optional.of(new AgentContext.Self("/system.slice/foo.service", CgroupLayout.UNIFIED)), Optional.empty(),
                Optional.empty(), access, new PrometheusRegistry(), Runnable::run, Runnable::run, Optional::empty,
                Optional::empty, states);
        return AgentApi.register(Routes.builder(), context).build();
    }

    /** The full list, and servctl top's question (?fields=state): names, cgroups and states, nothing read from the cgroups. */
    @ParameterizedTest
    @ValueSource(strings = {"/v1/units", "/v1/units?fields=state"})
    void aUnitWithoutCgroupIsListedWithItsStateOnly(String uri) throws IOException {
        Routes routes = routes(UnitStates.fixed(List.of(FOO, BROKEN)));
        var r = Exchange.http(routes, Exchange.get(uri));
        boolean statesOnly = uri.endsWith("fields=state");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body())
                .contains(FOO_JSON + ",\"cgroup\":\"/system.slice/foo.service\"" + (statesOnly ? "}" : ",\"limits\""))
                // after every unit with a cgroup, and without cgroup, limits or usage
                .endsWith(BROKEN_JSON + "]}\n")
                // units systemd did not report keep their cgroup fields and have no state
                .contains("{\"unit\":\"system.slice\",\"cgroup\":\"/system.slice\"" + (statesOnly ? "}" : ",\"limits\""));
        if (statesOnly) {
            assertThat(r.body()).doesNotContain("\"limits\"", "\"usage\"", "\"errors\"");
            assertThat(units(r.body())).as("the same units as the full list, in its order")
                    .isEqualTo(units(Exchange.http(routes, Exchange.get("/v1/units")).body()));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        # query                     | the 400's detail names
        fields=usage                | fields [usage]: expected state
        fields=state&fields=state   | fields
        field=state                 | field
        """)
    void otherQueriesOfTheListAre400NamingTheParameter(String query, String named) throws IOException {
        var r = Exchange.http(routes(UnitStates.fixed(List.of(FOO))), Exchange.get("/v1/units?" + query));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains(named);
    }

    private static List<String> units(String body) {
        return java.util.regex.Pattern.compile("\\{\"unit\":\"([^\"]+)\"").matcher(body).results()
                .map(m -> m.group(1)).toList();
    }

    @Test
    void oneUnitWithoutCgroupIsFoundByItsState() throws IOException {
        var routes = routes(UnitStates.fixed(List.of(FOO, BROKEN)));
        var r = Exchange.http(routes, Exchange.get("/v1/units/broken.service"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(BROKEN_JSON + "\n");
        assertThat(Exchange.http(routes, Exchange.get("/v1/units/foo.service")).body())
                .contains("\"activeState\":\"active\"", "\"mainPid\":4242", "\"memoryMaxBytes\":67108864");
        assertThat(Exchange.http(routes, Exchange.get("/v1/units/nosuch.service")).status()).isEqualTo(404);
    }

    @Test
    void selfSaysWhetherStatesAreAvailableAndWhyNot() throws IOException {
        assertThat(Exchange.http(routes(UnitStates.fixed(List.of(FOO, BROKEN))), Exchange.get("/v1/self")).body())
                .contains("\"unitStates\":{\"available\":true,\"units\":2}");
        var r = Exchange.http(routes(UnitStates.unavailable("no system bus socket [/run/dbus/system_bus_socket]")),
                Exchange.get("/v1/self"));
        assertThat(r.body()).contains("\"unitStates\":{\"available\":false,"
                + "\"reason\":\"no system bus socket [/run/dbus/system_bus_socket]\"}");
        // and units carry no state fields then
        assertThat(Exchange.http(routes(UnitStates.unavailable("x")), Exchange.get("/v1/units")).body())
                .doesNotContain("activeState");
    }
}
