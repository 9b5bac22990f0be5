package io.servd.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.prometheus.metrics.expositionformats.PrometheusProtobufWriter;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.agent.units.UnitTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** /metrics on the captured debian12-systemd252 tree (read only: used in place). */
class UnitMetricsTest {
    static final Path TREE = Path.of("..", "cgroup", "src", "test", "resources", "cgroupfs", "debian12-systemd252");
    /** A sample line of the text format: name, optional labels, value (no timestamps from us). */
    static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})? "
                    + "(NaN|[+-]Inf|[-+]?[0-9.]+([eE][-+]?[0-9]+)?)");

    final PrometheusRegistry registry = new PrometheusRegistry();
    final MetricsEndpoint endpoint = new MetricsEndpoint(registry);

    UnitMetricsTest() {
        registry.register(new UnitMetrics(new UnitTree(new CgroupRoot(TREE))));
        registry.register(new NetpollMetrics(List::of));
    }

    private String scrape(String accept, StringBuilder contentType) {
        var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/metrics", Unpooled.EMPTY_BUFFER);
        if (accept != null) {
            request.headers().set("Accept", accept);
        }
        var reply = endpoint.scrape(request);
        contentType.append(reply.headers().get(0).getValue());
        return new String(reply.body(), StandardCharsets.UTF_8);
    }

    /** Prometheus sends {@code Accept-Encoding: gzip}: the same text, gzipped, said in the headers. */
    @Test
    void aScrapeIsGzippedWhenTheScraperAcceptsIt() throws IOException {
        var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/metrics", Unpooled.EMPTY_BUFFER);
        request.headers().set("Accept-Encoding", "gzip");
        var zipped = endpoint.scrape(request);
        var plain = endpoint.scrape(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/metrics",
                Unpooled.EMPTY_BUFFER));

        assertThat(zipped.headers()).contains(Map.entry("Content-Encoding", "gzip"), Map.entry("Vary", "Accept-Encoding"));
        assertThat(plain.headers()).contains(Map.entry("Vary", "Accept-Encoding"))
                .noneMatch(h -> h.getKey().equals("Content-Encoding"));
        String unzipped;
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body()))) {
            unzipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(parseStrictly(unzipped)).isEqualTo(parseStrictly(new String(plain.body(), StandardCharsets.UTF_8)));
        assertThat(zipped.body().length).as("gzipped vs plain bytes").isLessThan(plain.body().length / 4);
    }

    @ParameterizedTest(name = "[{0}] -> gzip {1}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
        # Accept-Encoding (RFC 9110 12.5.3)     | gzip
        null                                    | false
        ''                                      | false
        gzip                                    | true
        'gzip, deflate, br'                     | true
        GZIP                                    | true
        x-gzip                                  | true
        gzip;q=0                                | false
        gzip; q=0.000                           | false
        gzip;q=0.5                              | true
        'br, *'                                 | true
        '*;q=0'                                 | false
        'gzip;q=0, *'                           | false
        identity                                | false
        'deflate, br'                           | false
        """)
    void acceptEncodingDecidesGzip(String acceptEncoding, boolean gzip) {
        assertThat(MetricsEndpoint.acceptsGzip(acceptEncoding)).isEqualTo(gzip);
    }

    /** Every line is a comment or a well-formed sample; returns samples by "name{labels}". */
    static Map<String, String> parseStrictly(String text) {
        Map<String, String> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ") || line.startsWith("# UNIT ") || line.equals("# EOF")) {
                continue;
            }
            assertThat(line).as("sample line").matches(SAMPLE);
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), line.substring(space + 1));
        }
        return samples;
    }

    @Test
    void prometheusTextFormatCarriesTheFixtureValues() {
        var type = new StringBuilder();
        String text = scrape(null, type);
        assertThat(type.toString()).startsWith("text/plain; version=0.0.4");
        Map<String, String> s = parseStrictly(text);
        assertThat(s).containsEntry("servd_unit_cpu_usage_seconds_total{unit=\"foo.service\"}", "8.400643")
                .containsEntry("servd_unit_cpu_throttled_seconds_total{unit=\"foo.service\"}", "8.391799")
                .containsEntry("servd_unit_cpu_throttled_periods_total{unit=\"foo.service\"}", "165.0")
                .containsEntry("servd_unit_cpu_quota_cpus{unit=\"foo.service\"}", "0.5")
                .containsEntry("servd_unit_memory_current_bytes{unit=\"foo.service\"}", "184320.0")
                .containsEntry("servd_unit_memory_max_bytes{unit=\"foo.service\"}", "6.7108864E7")
                .containsEntry("servd_unit_memory_max_bytes{unit=\"system.slice\"}", "+Inf")
                .containsEntry("servd_unit_memory_high_bytes{unit=\"foo.service\"}", "+Inf")
                .containsEntry("servd_unit_pids_current{unit=\"system.slice\"}", "11.0")
                .containsEntry("servd_unit_pids_max{unit=\"foo.service\"}", "100.0")
                .containsEntry("servd_unit_io_read_bytes_total{unit=\"-.slice\"}", "4.3754496E7")
                .containsEntry("servd_unit_io_write_bytes_total{unit=\"-.slice\"}", "2.6619904E7")
                .containsEntry("servd_unit_pressure_stalled_seconds_total{kind=\"some\",resource=\"cpu\",unit=\"foo.service\"}",
                        "8.35224")
                .containsEntry("servd_unit_pressure_stalled_seconds_total{kind=\"full\",resource=\"io\",unit=\"-.slice\"}",
                        "0.402626")
                .containsEntry("servd_unit_oom_kills_total{unit=\"system.slice\"}", "2.0")
                .containsEntry("servd_units_scrape_success", "1.0");
        assertThat(text).contains("# TYPE servd_unit_cpu_usage_seconds_total counter")
                .contains("# TYPE servd_unit_memory_max_bytes gauge");
        // the root cgroup has no memory.max: no sample rather than a made-up value
        assertThat(s).doesNotContainKey("servd_unit_memory_max_bytes{unit=\"-.slice\"}");
    }

    @Test
    void openMetricsByContentNegotiation() {
        var type = new StringBuilder();
        String text = scrape("application/openmetrics-text; version=1.0.0; charset=utf-8", type);
        assertThat(type.toString()).startsWith("application/openmetrics-text; version=1.0.0");
        assertThat(text).endsWith("# EOF\n").contains("# UNIT servd_unit_cpu_usage_seconds seconds")
                .contains("# TYPE servd_unit_cpu_usage_seconds counter");
        assertThat(parseStrictly(text)).containsEntry("servd_unit_cpu_usage_seconds_total{unit=\"foo.service\"}", "8.400643");
    }

    @Test
    void protobufExpositionParsesWithTheClientsOwnGeneratedParser() throws IOException {
        var out = new ByteArrayOutputStream();
        new PrometheusProtobufWriter().write(out, registry.scrape());
        var in = new ByteArrayInputStream(out.toByteArray());
        Map<String, Metrics.MetricFamily> families = new HashMap<>();
        Metrics.MetricFamily f;
        while ((f = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
            families.put(f.getName(), f);
        }
        var cpu = families.get("servd_unit_cpu_usage_seconds_total");
        assertThat(cpu.getType()).isEqualTo(Metrics.MetricType.COUNTER);
        var foo = cpu.getMetricList().stream()
                .filter(m -> m.getLabel(0).getValue().equals("foo.service")).findFirst().orElseThrow();
        assertThat(foo.getCounter().getValue()).isEqualTo(8.400643);
        assertThat(families).containsKeys("servd_unit_memory_max_bytes", "servd_unit_oom_kills_total");
    }
}
