package io.servd.agent.metrics.bench;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.servd.agent.metrics.MetricsBenchFixture;
import io.servd.agent.metrics.MetricsEndpoint;
import io.servd.testsupport.FixtureTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The full {@code GET /metrics} render (cgroupfs reads of every unit, the snapshot, the Prometheus
 * text or OpenMetrics writer) on a host of N units: the MetricsFixture tree plus N copies of
 * web.service (io.stat on two devices, PSI, memory.events, swap, peak) in a temp dir (/tmp; tmpfs
 * where /tmp is one). JVM metrics are left out: they do not grow with the units. Per-scrape time
 * divided by N is the cost per unit; the size of one answer is printed at setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MetricsScrapeBenchmark {

    @Param("1000")
    public int units;

    @Param({"text/plain", "application/openmetrics-text"})
    public String accept;

    private Path dir;
    private MetricsEndpoint endpoint;
    private FullHttpRequest request;

    @Setup
    public void buildTree() throws IOException {
        dir = Files.createTempDirectory("servd-metrics-bench");
        endpoint = MetricsBenchFixture.endpoint(dir, units);
        request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/metrics", Unpooled.EMPTY_BUFFER);
        request.headers().set("Accept", accept);
        System.out.println("# /metrics for " + units + " units, Accept [" + accept + "]: "
                + endpoint.scrape(request).body().length + " bytes");
    }

    @TearDown
    public void deleteTree() throws IOException {
        FixtureTree.delete(dir);
    }

    @Benchmark
    public byte[] scrape() {
        return endpoint.scrape(request).body();
    }
}
