package io.servd.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.servd.agent.access.ControlGroup;
import io.servd.agent.access.WriteAccess;
import io.servd.agent.events.EventsRoute;
import io.servd.agent.history.Frame;
import io.servd.agent.history.History;
import io.servd.agent.history.HistoryStore;
import io.servd.agent.history.UnitSample;
import io.servd.agent.http.Routes;
import io.servd.agent.units.UnitCgroup;
import io.servd.agent.units.UnitTree;
import io.servd.cgroup.CgroupReader;
import io.servd.cgroup.fs.CgroupRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The history routes through the real HTTP pipeline, on frames recorded from the captured debian12-systemd252 tree. */
class HistoryApiTest {
    /** Twelve frames, 5 s apart, ending a minute ago (so that the defaults, -1h to now, hold them). */
    static final Instant FIRST = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(2));

    @TempDir
    Path tmp;
    Path cgroupfs;
    UnitTree tree;
    HistoryStore store;
    Routes routes;

    @BeforeEach
    void record() throws IOException {
        cgroupfs = Fixtures.copy("debian12-systemd252", Files.createDirectory(tmp.resolve("cgroup")));
        tree = new UnitTree(new CgroupRoot(cgroupfs));
        store = HistoryStore.open(tmp.resolve("history"), Duration.ofDays(7), 64L << 20);
        var reader = new CgroupReader();
        for (int i = 0; i < 12; i++) {
            // foo.service's memory grows a page a tick
            Files.writeString(cgroupfs.resolve("system.slice/foo.service/memory.current"), (184320 + 4096 * i) + "\n");
            List<UnitSample> units = new ArrayList<>();
            for (UnitCgroup u : tree.list()) {
                units.add(new UnitSample(u.unit(), Optional.of(reader.read(u.dir())), Optional.empty()));
            }
            store.append(new Frame(FIRST.plusSeconds(5L * i), units));
        }
        routes = routes(History.of(store, Duration.ofSeconds(5)));
    }

    Routes routes(History history) {
        var context = new AgentContext(tree, Optional.empty(), Optional.empty(), Optional.empty(),
                new WriteAccess(Optional.empty(), ControlGroup.system(Optional.empty())), new PrometheusRegistry());
        return AgentApi.register(Routes.builder(), context, new EventsRoute(context.events()), history).build();
    }

    @Test
    void aSampleHasTheUnitObjectsFieldsAfterItsTime() {
        var unit = Exchange.http(routes, Exchange.get("/v1/units/foo.service")).body().strip();
        var r = Exchange.http(routes, Exchange.get("/v1/units/foo.service/history?since=" + FIRST.getEpochSecond()
                + "&until=" + FIRST.plusSeconds(55)));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(r.body()).startsWith("{\"unit\":\"foo.service\",\"since\":\"" + FIRST + "\",\"until\":\""
                + FIRST.plusSeconds(55) + "\",\"step\":\"5s\",\"samples\":[{\"time\":\"" + FIRST + "\",\"timeUsec\":"
                + FIRST.getEpochSecond() * 1_000_000 + ",\"cgroup\":\"/system.slice/foo.service\",\"limits\":{");
        // the last sample is what /v1/units/foo.service says now, but for its name: the same writer
        String last = r.body().substring(r.body().lastIndexOf("{\"time\":"));
        String fields = last.substring(last.indexOf(",\"cgroup\""), last.length() - "]}\n".length());
        assertThat("{\"unit\":\"foo.service\"" + fields).isEqualTo(unit);
        assertThat(count(r.body(), "\"time\":")).isEqualTo(12);
        assertThat(r.body()).contains("\"memoryCurrentBytes\":184320,", "\"memoryCurrentBytes\":" + (184320 + 4096 * 11) + ",");
    }

    @Test
    void theDefaultsAreTheLastHourAtTheRecordingInterval() {
        var r = Exchange.http(routes, Exchange.get("/v1/units/foo.service/history"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("\"step\":\"5s\"");
        assertThat(count(r.body(), "\"time\":")).isEqualTo(12);
    }

    @Test
    void aLargerStepGivesTheFirstSampleOfEachStep() {
        var r = Exchange.http(routes, Exchange.get("/v1/units/foo.service/history?since=" + FIRST + "&until=-0s&step=20s"));
        assertThat(r.body()).contains("\"step\":\"20s\"");
        var times = Pattern.compile("\"time\":\"([^\"]+)\"").matcher(r.body()).results().map(m -> m.group(1)).toList();
        assertThat(times).containsExactly(FIRST.toString(), FIRST.plusSeconds(20).toString(), FIRST.plusSeconds(40).toString());
    }

    @Test
    void aUnitNotRecordedHasNoSamples() {
        var r = Exchange.http(routes, Exchange.get("/v1/units/absent.service/history"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).endsWith("\"samples\":[]}\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # query                         | status | detail
        since=yesterday                 | 400    | since [yesterday]: expected RFC 3339
        until=2026-13-01T00:00:00Z      | 400    | until [2026-13-01T00:00:00Z]: expected RFC 3339
        step=0                          | 400    | step [0]: expected a time span of at least 1ms
        step=fast                       | 400    | step [fast]: expected a time span
        since=-1h&since=-2h             | 400    | since: given 2 times [-1h, -2h], give it once
        from=-1h                        | 400    | unknown parameter [from]: expected since, until or step
        since=-1h&until=-2h             | 400    | is before since
        # 30 days at 5 s: 518,401 samples; the answer says which step would do
        since=-30d                      | 400    | is up to 518401 samples, more than 11000 in one answer: give a larger step (at least [3min 56s])
        """)
    void badParametersAnswer400NamingParameterAndValue(String query, int status, String detail) {
        var r = Exchange.http(routes, Exchange.get("/v1/units/foo.service/history?" + query));
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.body()).startsWith("{\"error\":\"bad request\",\"detail\":\"").contains(detail);
    }

    @Test
    void aBadUnitNameIs400AndNoStoreIs503() {
        assertThat(Exchange.http(routes, Exchange.get("/v1/units/foo%2Fbar/history")).status()).isEqualTo(400);
        var off = Exchange.http(routes(History.unavailable("no $STATE_DIRECTORY")), Exchange.get("/v1/units/foo.service/history"));
        assertThat(off.status()).isEqualTo(503);
        assertThat(off.body()).contains("\"error\":\"history off\",\"detail\":\"no $STATE_DIRECTORY\"");
        assertThat(Exchange.http(routes(History.unavailable("off")), Exchange.get("/v1/history")).status()).isEqualTo(503);
    }

    @Test
    void everyUnitAtOneMomentIsTheLastFrameAtOrBeforeIt() {
        Instant at = FIRST.plusSeconds(27);
        var r = Exchange.http(routes, Exchange.get("/v1/history?at=" + at));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).startsWith("{\"at\":\"" + at + "\",\"time\":\"" + FIRST.plusSeconds(25) + "\",\"units\":[{\"unit\":\"-.slice\"");
        assertThat(r.body()).contains("{\"unit\":\"foo.service\",\"cgroup\":\"/system.slice/foo.service\"",
                "\"memoryCurrentBytes\":" + (184320 + 4096 * 5) + ",");
        assertThat(Exchange.http(routes, Exchange.get("/v1/history")).body()).contains("\"time\":\"" + FIRST.plusSeconds(55) + "\"");
        var before = Exchange.http(routes, Exchange.get("/v1/history?at=" + FIRST.minusSeconds(1).getEpochSecond()));
        assertThat(before.status()).isEqualTo(404);
        assertThat(before.body()).contains("\"error\":\"no history\"", "nothing recorded at or before at [" + FIRST.minusSeconds(1) + "]");
        assertThat(Exchange.http(routes, Exchange.get("/v1/history?at=soon")).body()).contains("at [soon]: expected RFC 3339");
    }

    @Test
    void openMetricsOnRequestWithTheNamesOfMetrics() {
        var r = Exchange.http(routes, "GET /v1/units/foo.service/history?since=" + FIRST + " HTTP/1.1\r\nHost: x\r\n"
                + "Accept: application/openmetrics-text; version=1.0.0\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/openmetrics-text");
        assertThat(r.body()).endsWith("# EOF\n");
        assertThat(count(r.body(), "# TYPE servd_unit_memory_current_bytes gauge")).isEqualTo(1);
        assertThat(r.body()).contains("servd_unit_memory_current_bytes{unit=\"foo.service\"} 184320.0 " + FIRST.getEpochSecond() + ".000\n"
                + "servd_unit_memory_current_bytes{unit=\"foo.service\"} 188416.0 " + FIRST.plusSeconds(5).getEpochSecond() + ".000\n");
        assertThat(r.body()).contains("servd_unit_cpu_usage_seconds_total{unit=\"foo.service\"} 8.400643 ");
    }

    private static int count(String text, String what) {
        return text.split(Pattern.quote(what), -1).length - 1;
    }
}
