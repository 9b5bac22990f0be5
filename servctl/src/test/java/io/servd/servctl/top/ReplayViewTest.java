package io.servd.servctl.top;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.Json;
import io.servd.servctl.cli.ServctlException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ReplayViewTest {
    static final Instant T0 = Instant.parse("2026-12-03T03:00:00Z");

    /** A history of ticks 5 s apart; demo.service uses 0.25 s of CPU per tick (5 %), more each minute. */
    final TreeMap<Instant, JsonNode> ticks = new TreeMap<>();
    final List<Instant> asked = new ArrayList<>();

    ReplayViewTest() throws Exception {
        long cpu = 0;
        for (int i = 0; i < 30; i++) {
            Instant t = T0.plusSeconds(5L * i);
            cpu += i % 12 == 11 ? 2_500_000 : 250_000;
            ticks.put(t, Json.parse("{\"at\":\"" + t + "\",\"time\":\"" + t + "\",\"units\":[{\"unit\":\"demo.service\","
                    + "\"activeState\":\"active\",\"subState\":\"running\",\"cgroup\":\"/system.slice/demo.service\","
                    + "\"limits\":{\"memoryMaxBytes\":67108864,\"cpuMax\":{\"quotaUsec\":\"max\",\"periodUsec\":100000}},"
                    + "\"usage\":{\"cpuUsageUsec\":" + cpu + ",\"cpuUserUsec\":0,\"cpuSystemUsec\":0,"
                    + "\"memoryCurrentBytes\":" + (1 << 20) * (i + 1) + ",\"pidsCurrent\":2}}]}"));
        }
    }

    JsonNode at(Instant at) throws ServctlException {
        asked.add(at);
        var e = ticks.floorEntry(at);
        if (e == null) {
            throw new ServctlException(ExitCodes.FAILURE, "agent at [x] answered HTTP 404: no history");
        }
        return e.getValue();
    }

    @Test
    void aScreenIsTheTickAtOrBeforeTheMomentAgainstTheStepBefore() throws Exception {
        var replay = new ReplayView(this::at, TopView.defaults(), Duration.ofSeconds(5));
        var shown = replay.read(T0.plusSeconds(52)); // between ticks: the one at 50 s
        assertThat(shown.time()).isEqualTo(T0.plusSeconds(50));
        assertThat(asked).containsExactly(T0.plusSeconds(52), T0.plusSeconds(45));
        TopRow row = shown.frame().rows().get(0);
        assertThat(row.group()).isEqualTo("/system.slice/demo.service");
        assertThat(row.cpuPercent().getAsDouble()).isEqualTo(5.0);
        assertThat(row.memory().orElseThrow().bytes()).isEqualTo(11L << 20);
        assertThat(shown.frame().states().activeStateOf("/system.slice/demo.service")).isEqualTo("active");
        // the tick of the minute: ten times the CPU
        assertThat(replay.read(T0.plusSeconds(55)).frame().rows().get(0).cpuPercent().getAsDouble()).isEqualTo(50.0);
    }

    @Test
    void theFirstTickHasNothingToComputeRatesFrom() {
        var replay = new ReplayView(this::at, TopView.defaults(), Duration.ofSeconds(5));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> replay.read(T0))
                .isInstanceOf(ServctlException.class).hasMessageContaining("no sample before [" + T0 + "]");
    }

    @Test
    void bracketsAndArrowsStepThroughTheRecordedTicks() throws Exception {
        var script = script(']', ']', '[', TopKeys.ESC, '[', 'D', TopKeys.ESC, '[', 'C', TopKeys.ESC, '[', 'C', 'q');
        int exit = new ReplayView(this::at, TopView.defaults(), Duration.ofSeconds(5)).run(T0.plusSeconds(100), script, script);
        assertThat(exit).isEqualTo(ExitCodes.OK);
        assertThat(shown(script)).containsExactly("03:01:40Z", "03:01:45Z", "03:01:50Z", "03:01:45Z", "03:01:40Z",
                "03:01:45Z", "03:01:50Z");
        assertThat(script.draws.get(0).lines().get(1)).startsWith("Replay of 2026-12-03T03:01:40Z from the agent's history");
    }

    @Test
    void forwardPastTheLastTickSaysSo() throws Exception {
        var script = script(']', 'q');
        new ReplayView(this::at, TopView.defaults(), Duration.ofSeconds(5)).run(T0.plusSeconds(145), script, script);
        assertThat(script.draws.get(1).status()).isEqualTo("No later sample than 2026-12-03T03:02:25Z.");
    }

    @Test
    void batchPrintsScreensAStepApart() throws Exception {
        var out = new StringWriter();
        new ReplayView(this::at, TopView.defaults(), Duration.ofSeconds(10)).print(T0.plusSeconds(60), 2,
                new PrintWriter(out), true, 200);
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(Json.parse(lines.get(0)).path("time").asText()).isEqualTo("2026-12-03T03:01:00Z");
        assertThat(Json.parse(lines.get(1)).path("time").asText()).isEqualTo("2026-12-03T03:01:10Z");
        assertThat(Json.parse(lines.get(0)).at("/rows/0/cgroup").asText()).isEqualTo("/system.slice/demo.service");
    }

    /** LiveViewTest's scripted terminal: the keys, then end of input; every screen recorded. */
    static LiveViewTest.Script script(int... keys) {
        return new LiveViewTest().new Script(keys);
    }

    /** The time of each screen, as its second line names it. */
    static List<String> shown(LiveViewTest.Script script) {
        String prefix = "Replay of 2026-12-03T";
        return script.draws.stream().map(d -> d.lines().get(1).substring(prefix.length(), prefix.length() + 9)).toList();
    }
}
