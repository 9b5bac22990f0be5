package io.servd.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/**
 * {@code promtool check metrics} (Debian's prometheus package; integration-tests/vm/prereqs.sh host
 * installs it) on {@code /metrics} for the {@link MetricsFixture} tree, which has every family: io per
 * device, PSI, memory events, swap, peak, a broken file, an escaped unit name. Skipped when promtool is
 * missing, and then failed under {@code CI=true} (CiAssumptions).
 *
 * <p>promtool (2.42 as in bookworm, and later 2.x) parses its input as the text format 0.0.4 only. The
 * text answer, JVM metrics included, must give no finding at all. The OpenMetrics answer is checked
 * for what that parser can check (syntax, label escaping, values, names): it must parse, and the only
 * finding allowed is the one the format difference makes by itself — OpenMetrics names a counter
 * family without {@code _total} ({@code # HELP x}) and its samples with it ({@code x_total}), which
 * promtool reads as a family {@code x_total} without HELP. The JVM families are left out there: their
 * {@code info} type is OpenMetrics-only and stops promtool's text parser.
 */
class PromtoolCheckTest {
    private static final Pattern OPENMETRICS_COUNTER = Pattern.compile("(\\S+)_total no help text");

    @TempDir
    Path dir;

    private MetricsEndpoint endpoint(boolean jvm) throws IOException {
        MetricsFixture.compose(dir);
        var registry = new PrometheusRegistry();
        if (jvm) {
            JvmMetricsWithoutJmx.register(registry);
        }
        registry.register(MetricsFixture.unitMetrics(dir, u -> true));
        registry.register(new NetpollMetrics(List::of));
        return new MetricsEndpoint(registry);
    }

    static Optional<Path> promtool() {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator))
                .map(p -> Path.of(p, "promtool")).filter(Files::isExecutable).findFirst();
    }

    /** What promtool says about {@code body}: its exit code and output. */
    private record Check(int exit, String output) {
    }

    private static Check check(byte[] body) throws Exception {
        Optional<Path> promtool = promtool();
        assumeTrue(promtool.isPresent(), "promtool is not installed (apt-get install --no-install-recommends "
                + "prometheus, or integration-tests/vm/prereqs.sh host)");
        Process p = new ProcessBuilder(promtool.get().toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(body);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        return new Check(p.exitValue(), out);
    }

    private static String scrape(MetricsEndpoint endpoint, String accept) {
        var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/metrics", Unpooled.EMPTY_BUFFER);
        request.headers().set("Accept", accept);
        String body = new String(endpoint.scrape(request).body(), StandardCharsets.UTF_8);
        assertThat(body).contains("servd_unit_io_device_bytes_total{").contains("servd_unit_memory_events_total{")
                .contains("servd_unit_memory_swap_current_bytes{").contains("servd_unit_memory_peak_bytes{")
                .contains("servd_unit_pressure_stalled_seconds_total{").contains("servd_scrape_errors_total{")
                .contains("unit=\"foo\\\\x2dbar.service\"");
        return body;
    }

    @Test
    void textFormatHasNoFinding() throws Exception {
        String body = scrape(endpoint(true), "text/plain");
        Check c = check(body.getBytes(StandardCharsets.UTF_8));
        assertThat(c.output()).as("promtool check metrics output").isEmpty();
        assertThat(c.exit()).as("promtool exit code").isZero();
    }

    @Test
    void openMetricsParsesAndHasNoFindingButTheCounterNamingOfTheFormat() throws Exception {
        String body = scrape(endpoint(false), "application/openmetrics-text; version=1.0.0; charset=utf-8");
        Check c = check(body.getBytes(StandardCharsets.UTF_8));
        assertThat(c.output()).doesNotContain("error while linting").doesNotContain("parsing error");
        List<String> findings = c.output().lines().toList();
        assertThat(findings).as("promtool findings").isNotEmpty().allSatisfy(line -> {
            Matcher m = OPENMETRICS_COUNTER.matcher(line);
            assertThat(m.matches()).as("finding [%s]", line).isTrue();
            assertThat(body).contains("# TYPE " + m.group(1) + " counter\n").contains("# HELP " + m.group(1) + " ");
        });
        assertThat(c.exit()).as("promtool exit code: 3 is lint findings only").isEqualTo(3);
    }
}
