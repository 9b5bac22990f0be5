package io.servd.servctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.servd.servctl.cli.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryCommandTest {
    /** Two samples as the agent sends them (agent/API.md), 5 s apart: 0.5 s of CPU between them = 10 %. */
    static final String PAGE = """
            {"unit":"demo.service","since":"2026-12-03T03:00:00Z","until":"2026-12-03T03:33:19.999999Z","step":"5s",\
            "samples":[{"time":"2026-12-03T03:00:00Z","timeUsec":1796266800000000,"activeState":"active",\
            "subState":"running","nRestarts":0,"cgroup":"/system.slice/demo.service","limits":{"memoryMaxBytes":67108864,\
            "memoryHighBytes":"max","cpuMax":{"quotaUsec":50000,"periodUsec":100000},"pidsMax":100},"usage":{\
            "cpuUsageUsec":1000000,"cpuThrottledUsec":0,"memoryCurrentBytes":1048576,"pidsCurrent":3,"oomKills":0,\
            "pressure":{"memory":{"someAvg10":1.5,"fullAvg10":0.25}}}},\
            {"time":"2026-12-03T03:00:05Z","timeUsec":1796266805000000,"activeState":"active","subState":"running",\
            "cgroup":"/system.slice/demo.service","limits":{"memoryMaxBytes":67108864},"usage":{"cpuUsageUsec":1500000,\
            "cpuThrottledUsec":20000,"memoryCurrentBytes":2097152,"pidsCurrent":4,"oomKills":1}}]}""";

    @TempDir
    Path tmp;

    @Test
    void aRangeIsAskedForInPagesAndPrintedAsOneJsonDocument() throws Exception {
        try (FakeAgent agent = new FakeAgent()) {
            agent.answer("GET /v1/units/demo.service/history", 200, PAGE);
            Run r = Run.of(Run.isolated(tmp), "history", "demo.service", "--since", "2026-12-03T03:00:00Z",
                    "--until", "2026-12-03T04:00:00Z", "-o", "json", "--agent", agent.url());
            assertThat(r.exitCode()).as(r.err()).isZero();
            // 3,600 s in pages of 2,000 samples of at least 1 s, each ending a microsecond before the next
            assertThat(agent.requests).extracting(FakeAgent.Request::query).containsExactly(
                    "since=2026-12-03T03:00:00Z&until=2026-12-03T03:33:19.999999Z",
                    "since=2026-12-03T03:33:20Z&until=2026-12-03T04:00:00Z");
            JsonNode doc = Json.parse(r.out());
            assertThat(doc.path("unit").asText()).isEqualTo("demo.service");
            assertThat(doc.path("since").asText()).isEqualTo("2026-12-03T03:00:00Z");
            assertThat(doc.path("until").asText()).isEqualTo("2026-12-03T04:00:00Z");
            assertThat(doc.path("step").asText()).isEqualTo("5s");
            assertThat(doc.path("samples")).hasSize(4);
            assertThat(doc.at("/samples/1/usage/cpuUsageUsec").asLong()).isEqualTo(1500000);
        }
    }

    @Test
    void aStepSetsThePagesAndIsSentAsASpan() throws Exception {
        try (FakeAgent agent = new FakeAgent()) {
            agent.answer("GET /v1/units/demo.service/history", 200, PAGE);
            Run r = Run.of(Run.isolated(tmp), "history", "demo.service", "--since", "1796266800", "--until", "1796274000",
                    "--step", "1min", "-o", "csv", "--agent", agent.url());
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(agent.requests).extracting(FakeAgent.Request::query).containsExactly(
                    "since=2026-12-03T03:00:00Z&until=2026-12-03T05:00:00Z&step=1min");
            List<String> lines = r.out().lines().toList();
            assertThat(lines.get(0)).startsWith("time,timeUsec,activeState,subState,nRestarts,memoryCurrentBytes,memoryMaxBytes,"
                    + "memoryHighBytes,cpuUsageUsec");
            assertThat(lines.get(1)).startsWith("2026-12-03T03:00:00Z,1796266800000000,active,running,0,1048576,67108864,max,"
                    + "1000000,0,,50000,100000,,3,100,0,,1.5,0.25,,");
            assertThat(lines.get(2)).startsWith("2026-12-03T03:00:05Z,1796266805000000,active,running,,2097152,67108864,,1500000");
        }
    }

    @Test
    void textShowsCpuAndThrottlingOverEachInterval() throws Exception {
        try (FakeAgent agent = new FakeAgent()) {
            agent.answer("GET /v1/units/demo.service/history", 200, PAGE);
            Run r = Run.of(Run.isolated(tmp), "history", "demo.service", "--since", "2026-12-03T03:00:00Z", "--until",
                    "2026-12-03T03:10:00Z", "--agent", agent.url());
            List<String> lines = r.out().lines().toList();
            assertThat(lines.get(0).split(" +")).containsExactly("TIME", "ACTIVE", "SUB", "CPU%", "MEMORY", "MAX", "TASKS",
                    "THROTTLED", "OOM", "MEM-PSI");
            assertThat(lines.get(1).split(" +")).containsExactly("2026-12-03T03:00:00Z", "active", "running", "1.0M", "64.0M",
                    "3", "0", "1.5");
            assertThat(lines.get(2).split(" +")).containsExactly("2026-12-03T03:00:05Z", "active", "running", "10.0", "2.0M",
                    "64.0M", "4", "20ms", "1");
        }
    }

    @Test
    void openMetricsIsOneAnswerPassedThrough() throws Exception {
        try (FakeAgent agent = new FakeAgent()) {
            String dump = "# TYPE servd_unit_pids_current gauge\nservd_unit_pids_current{unit=\"demo.service\"} 3.0 1796266800.000\n"
                    + "# EOF\n";
            agent.answer("GET /v1/units/demo.service/history", 200, dump);
            Run r = Run.of(Run.isolated(tmp), "history", "demo.service", "--since", "-2d", "-o", "openmetrics",
                    "--agent", agent.url());
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo(dump);
            assertThat(agent.requests).hasSize(1);
            assertThat(agent.requests.get(0).accept()).startsWith("application/openmetrics-text");
        }
    }

    @Test
    void badTimesAreUsageErrorsNamingTheValue() {
        Run r = Run.of(Run.isolated(tmp), "history", "demo.service", "--since", "yesterday");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("invalid --since [yesterday]: expected RFC 3339");
        Run step = Run.of(Run.isolated(tmp), "history", "demo.service", "--step", "0");
        assertThat(step.exitCode()).isEqualTo(2);
        assertThat(step.err()).contains("invalid --step [0]");
        Run order = Run.of(Run.isolated(tmp), "history", "demo.service", "--since", "-1h", "--until", "-2h");
        assertThat(order.exitCode()).isEqualTo(2);
        assertThat(order.err()).contains("is before --since");
        assertThat(Run.of(Run.isolated(tmp), "history", "../etc").exitCode()).isEqualTo(2);
    }

    @Test
    void theAgentsRefusalKeepsItsExitCode() throws Exception {
        try (FakeAgent agent = new FakeAgent()) {
            agent.answer("GET /v1/units/demo.service/history", 503, "{\"error\":\"history off\",\"detail\":\"no $STATE_DIRECTORY\"}");
            Run r = Run.of(Run.isolated(tmp), "history", "demo.service", "--agent", agent.url());
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).contains("history off", "no $STATE_DIRECTORY");
        }
    }
}
