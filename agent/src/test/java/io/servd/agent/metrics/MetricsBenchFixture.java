package io.servd.agent.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The benchmark's way into this package: the endpoint over {@link MetricsFixture#manyUnits}. */
public final class MetricsBenchFixture {
    private MetricsBenchFixture() {
    }

    /** The fixture tree in {@code dir} with {@code units} more copies of web.service; its cgroupfs root. */
    public static Path tree(Path dir, int units) throws IOException {
        return MetricsFixture.manyUnits(dir, units);
    }

    /** {@code /metrics} over the fixture tree in {@code dir} with {@code units} more units, as AgentSetup registers it. */
    public static MetricsEndpoint endpoint(Path dir, int units) throws IOException {
        MetricsFixture.manyUnits(dir, units);
        var registry = new PrometheusRegistry();
        registry.register(MetricsFixture.unitMetrics(dir, u -> true));
        registry.register(new NetpollMetrics(List::of));
        return new MetricsEndpoint(registry);
    }
}
