package io.servd.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.servd.it.GuestResult;
import io.servd.it.InstalledServd;
import io.servd.it.Vm;
import io.servd.testsupport.FixtureTree;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fleet side of issue 13 item 3 against a real agent: Debian's Prometheus on the host scrapes the servd of
 * the installed .deb in the VM through the hostfwd, with the package's own files as shipped under
 * {@code /usr/share/servd/prometheus/} (read back from the guest): its scrape job ({@code
 * scrape-config.example.yml}, target and intervals changed), its rules ({@code servd-rules.yml}) and its Grafana
 * dashboard ({@code servd-dashboard.json}). Every panel query and every template variable returns series, every
 * rule evaluates without error, and the alerts that the guest's units provoke fire for those units.
 *
 * <p>The guest's units are made so that each panel has something to show: a unit with MemoryMax/MemoryHigh, one
 * throttled by a CPU quota, one OOM-killed again and again, one restarting, one failed, one with an unreadable
 * cgroup file (servd runs as the {@code servd} user: a root-only {@code memory.stat} is a scrape error).
 *
 * <p>Intervals: 5 s for scrape and rule evaluation instead of the example's 30 s, so the rules' rate windows fill
 * within the test (a scrape through the hostfwd took 1.6 s under TCG on a quiet host, so not less); Grafana's
 * {@code $__rate_interval} is taken as {@value #RATE_INTERVAL}.
 */
@ExtendWith(io.servd.it.VmExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusFleetIT {

    private static final Duration DPKG_TIMEOUT = Duration.ofMinutes(6);
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);
    /** Until every query has series: two scrapes and rule evaluations after the units misbehaved, with TCG's margin. */
    private static final Duration SERIES_DEADLINE = Duration.ofMinutes(4);
    /** Grafana's $__rate_interval for a 5 s scrape interval is 20 s; a wider window keeps the OOM-kill panel lit. */
    private static final String RATE_INTERVAL = "1m";
    private static final String SHIPPED = "/usr/share/servd/prometheus/";
    private static final List<String> UNITS = List.of("prom-limited", "prom-throttled", "prom-hog", "prom-flappy",
            "prom-failed", "prom-unreadable");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static Path dir;
    private static Process prometheus;
    private static URI api;
    private static JsonNode dashboard;

    @BeforeAll
    static void startUnitsAndPrometheus(Vm vm) throws Exception {
        System.out.println(InstalledServd.ensure(vm, DPKG_TIMEOUT));
        GuestResult setup = script(vm, stopUnits() + """
                systemd-run -q --unit=prom-limited -p MemoryMax=64M -p MemoryHigh=48M sleep infinity
                systemd-run -q --unit=prom-throttled -p CPUQuota=5% sh -c 'while :; do :; done'
                # tail holds all its input (no newline in /dev/zero): killed at 16M, again every few seconds;
                # oom_score_adj 1000 makes it the victim (a run saw the kernel pick the unit's sh: the unit failed)
                systemd-run -q --unit=prom-hog -p MemoryMax=16M -p MemorySwapMax=0 -p OOMPolicy=continue \\
                    sh -c 'while :; do head -c 64M /dev/zero | (echo 1000 > /proc/self/oom_score_adj; exec tail); sleep 3; done'
                systemd-run -q --unit=prom-flappy -p Restart=always -p RestartSec=2 -p StartLimitIntervalSec=0 sh -c 'sleep 2; exit 1'
                systemd-run -q --unit=prom-failed sh -c 'exit 3'
                systemd-run -q --unit=prom-unreadable sleep infinity
                chmod 0600 /sys/fs/cgroup/system.slice/prom-unreadable.service/memory.stat
                for i in $(seq 120); do systemctl is-active -q servd && break; sleep 1; done
                systemctl is-active servd
                """);
        assertThat(setup.exitCode()).as(setup.describe()).isZero();

        dir = Path.of("target", "prometheus-fleet").toAbsolutePath();
        if (Files.exists(dir)) {
            FixtureTree.delete(dir); // an earlier run's data and log
        }
        Files.createDirectories(dir);
        for (String file : List.of("servd-rules.yml", "servd-dashboard.json", "scrape-config.example.yml")) {
            Files.writeString(dir.resolve(file), vm.exec("cat", SHIPPED + file).orThrow().stdout());
        }
        dashboard = JSON.readTree(dir.resolve("servd-dashboard.json").toFile());
        int port = freePort();
        Files.writeString(dir.resolve("prometheus.yml"), prometheusConfig(
                Files.readString(dir.resolve("scrape-config.example.yml")), vm.httpPort()));
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        api = URI.create("http://127.0.0.1:" + port + "/");
        String ready = poll(Duration.ofMinutes(1), () -> {
            assertThat(prometheus.isAlive()).as("prometheus exited; see " + dir.resolve("prometheus.log")).isTrue();
            try {
                return get("-/ready").statusCode() == 200 ? "ready" : null;
            } catch (IOException e) {
                return null;
            }
        });
        assertThat(ready).as("prometheus ready on " + api + "; see " + dir.resolve("prometheus.log")).isEqualTo("ready");
    }

    @AfterAll
    static void stop(Vm vm) throws IOException, InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(30, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
        script(vm, stopUnits());
    }

    /** The shipped job, aimed at the hostfwd and at 5 s; the shipped rules; evaluation every 5 s. */
    static String prometheusConfig(String shippedScrapeConfig, int agentPort) {
        String job = shippedScrapeConfig.replace("\"127.0.0.1:9470\"", "\"127.0.0.1:" + agentPort + "\"")
                .replace("scrape_interval: 30s", "scrape_interval: 5s").replace("scrape_timeout: 10s", "scrape_timeout: 5s");
        assertThat(job).as("the shipped scrape config, rewritten").contains("127.0.0.1:" + agentPort)
                .contains("scrape_interval: 5s").contains("scrape_timeout: 5s");
        return """
                global:
                  evaluation_interval: 5s
                rule_files:
                  - servd-rules.yml
                """ + job;
    }

    /** The scrape of the shipped job reaches the agent: one target, up, no error, labelled with the host. */
    @Test
    @Order(1)
    void theShippedJobScrapesTheAgentThroughTheHostfwd() throws Exception {
        JsonNode targets = poll(SERIES_DEADLINE, () -> {
            JsonNode active = query("api/v1/targets").path("activeTargets");
            return active.size() == 1 && "up".equals(active.get(0).path("health").asText()) ? active : null;
        });
        assertThat(targets).as("active targets: " + query("api/v1/targets")).isNotNull();
        JsonNode target = targets.get(0);
        assertThat(target.path("labels").path("job").asText()).isEqualTo("servd");
        assertThat(target.path("labels").path("instance").asText()).as("relabelled from the host label").isEqualTo("localhost");
        assertThat(target.path("lastError").asText()).isEmpty();
        System.out.printf("prometheus scrape of the agent: %.0f ms%n", target.path("lastScrapeDuration").asDouble() * 1000);
    }

    /** Each template variable of the dashboard has values, and the unit variable lists the test's units. */
    @Test
    @Order(2)
    void everyDashboardVariableHasValues() throws Exception {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (!"query".equals(variable.path("type").asText())) {
                continue;
            }
            Matcher m = LABEL_VALUES.matcher(variable.path("query").path("query").asText());
            assertThat(m.matches()).as("variable [%s]: %s", variable.path("name").asText(), variable.path("query")).isTrue();
            String match = substitute(m.group(1));
            List<String> found = poll(SERIES_DEADLINE, () -> {
                List<String> v = new ArrayList<>();
                query("api/v1/label/" + m.group(2) + "/values?match[]=" + encode(match)).forEach(n -> v.add(n.asText()));
                return v.isEmpty() ? null : v;
            });
            values.put(variable.path("name").asText(), found);
        }
        System.out.println("dashboard variables: " + values);
        assertThat(values).containsOnlyKeys("instance", "unit");
        assertThat(values.get("instance")).containsExactly("localhost");
        assertThat(values.get("unit")).contains("prom-limited.service", "prom-hog.service", "servd.service", "system.slice");
    }

    /** Every panel's every query returns series (Grafana's variables as the dashboard's "All" sets them). */
    @Test
    @Order(3)
    void everyPanelQueryReturnsSeries() throws Exception {
        Map<String, String> queries = new LinkedHashMap<>();
        collectQueries(dashboard.path("panels"), queries);
        assertThat(queries).as("panel queries of the dashboard").hasSizeGreaterThanOrEqualTo(20);
        Map<String, Integer> series = new LinkedHashMap<>();
        Boolean allHaveSeries = poll(SERIES_DEADLINE, () -> {
            for (Map.Entry<String, String> q : queries.entrySet()) {
                series.put(q.getKey(), query("api/v1/query?query=" + encode(substitute(q.getValue()))).path("result").size());
            }
            return series.containsValue(0) ? null : Boolean.TRUE;
        });
        series.forEach((q, n) -> System.out.printf("  %3d series  %s%n", n, q));
        assertThat(allHaveSeries).as("after %s, queries without series (0 in the list above)", SERIES_DEADLINE).isNotNull();
    }

    /** Every recording and alerting rule of the shipped file was evaluated against the agent's series without error. */
    @Test
    @Order(4)
    void everyRuleEvaluatesWithoutError() throws Exception {
        List<String> rules = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        for (JsonNode group : query("api/v1/rules").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.path("name").asText();
                rules.add(name);
                if (!"ok".equals(rule.path("health").asText()) || !rule.path("lastError").asText().isEmpty()) {
                    broken.add(name + ": " + rule.path("health").asText() + " " + rule.path("lastError").asText());
                }
            }
        }
        assertThat(rules).as("rules loaded from the shipped servd-rules.yml")
                .contains("unit:servd_unit_cpu_usage_seconds:rate5m", "ServdUnitOomKilled", "ServdUnitFailed", "ServdDown");
        assertThat(broken).as("rules with errors").isEmpty();
    }

    /**
     * The alerts the units provoke fire for them ({@code ServdUnitFailed} waits {@code for: 1m}: pending is enough),
     * and servd's own are silent while it is scraped.
     */
    @Test
    @Order(5)
    void theProvokedAlertsFireForTheirUnits() throws Exception {
        Map<String, String> expected = Map.of("ServdUnitOomKilled", "prom-hog.service", "ServdUnitFailed", "prom-failed.service");
        Map<String, String> states = poll(SERIES_DEADLINE, () -> {
            Map<String, String> found = new LinkedHashMap<>();
            for (JsonNode alert : query("api/v1/alerts").path("alerts")) {
                String name = alert.path("labels").path("alertname").asText();
                if (alert.path("labels").path("unit").asText().equals(expected.get(name))) {
                    found.put(name, alert.path("state").asText());
                }
            }
            return found.keySet().containsAll(expected.keySet()) && "firing".equals(found.get("ServdUnitOomKilled")) ? found : null;
        });
        JsonNode alerts = query("api/v1/alerts").path("alerts");
        assertThat(states).as("alerts: " + alerts).isNotNull();
        assertThat(states.get("ServdUnitFailed")).isIn("pending", "firing");
        TreeSet<String> names = new TreeSet<>();
        alerts.forEach(a -> names.add(a.path("labels").path("alertname").asText()));
        System.out.println("alerts pending or firing: " + names + " " + states);
        assertThat(names).doesNotContain("ServdDown", "ServdAbsent", "ServdUnitStatesUnavailable");
    }

    /** Panels, rows included: {@code targets[].expr} by "panel title / refId". */
    private static void collectQueries(JsonNode panels, Map<String, String> into) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                into.put(panel.path("title").asText() + " / " + target.path("refId").asText(), target.path("expr").asText());
            }
            collectQueries(panel.path("panels"), into);
        }
    }

    /** Grafana's variables as the dashboard's All and this test's intervals set them. */
    private static String substitute(String expr) {
        return expr.replace("$__rate_interval", RATE_INTERVAL).replace("$__interval", "5s").replace("$__range", "5m")
                .replace("$instance", ".+").replace("$unit", ".+");
    }

    /** {@code data} of a Prometheus API answer, which must be a success. */
    private static JsonNode query(String pathAndQuery) throws IOException {
        HttpResponse<String> r = get(pathAndQuery);
        JsonNode body = JSON.readTree(r.body());
        assertThat(r.statusCode()).as("GET %s: %s", pathAndQuery, r.body()).isEqualTo(200);
        assertThat(body.path("status").asText()).as("GET %s: %s", pathAndQuery, r.body()).isEqualTo("success");
        return body.path("data");
    }

    private static HttpResponse<String> get(String pathAndQuery) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(api.resolve(pathAndQuery)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** What a Prometheus answer turns into, or null while the condition does not hold yet. */
    @FunctionalInterface
    private interface Probe<T> {
        T attempt() throws IOException;
    }

    /**
     * {@code probe} until it answers non-null or {@code deadline} passes (then null). Prometheus has no way to
     * wait for a series, so this asks again once a second: a condition polled, not a pause trusted.
     */
    private static <T> T poll(Duration deadline, Probe<T> probe) throws IOException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            T value = probe.attempt();
            if (value != null || System.nanoTime() > end) {
                return value;
            }
            TimeUnit.SECONDS.sleep(1);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String stopUnits() {
        StringBuilder b = new StringBuilder();
        for (String u : UNITS) {
            b.append("systemctl stop ").append(u).append(".service 2>/dev/null; systemctl reset-failed ").append(u)
                    .append(".service 2>/dev/null\n");
        }
        return b.append("true\n").toString();
    }

    private static GuestResult script(Vm vm, String body) throws IOException {
        return vm.exec(SCRIPT_TIMEOUT, "sh", "-c", body);
    }
}
