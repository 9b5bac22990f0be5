package io.servd.agent.metrics;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The Prometheus client's JVM and process metrics ({@code jvm_*}, {@code process_*}) that need no
 * MBean server: {@code JvmMetrics.builder()} minus {@code JvmNativeMemoryMetrics}. That one asks the
 * DiagnosticCommand MBean for {@code VM.native_memory} through the platform MBean server, whose
 * creation registers every platform MXBean (JFR's and its diagnostic commands among them): about 260
 * classes and 4 of the agent's 56 s from exec to READY under TCG on the test bed (class-load log,
 * 39.2–43.4 s), for a family that is empty unless the JVM runs with
 * {@code -XX:NativeMemoryTracking}, which servd does not.
 */
public final class JvmMetricsWithoutJmx {
    private JvmMetricsWithoutJmx() {
    }

    /** Registers the families in {@code registry}. */
    public static void register(PrometheusRegistry registry) {
        PrometheusProperties config = PrometheusProperties.get();
        JvmThreadsMetrics.builder(config).register(registry);
        JvmBufferPoolMetrics.builder(config).register(registry);
        JvmClassLoadingMetrics.builder(config).register(registry);
        JvmCompilationMetrics.builder(config).register(registry);
        JvmGarbageCollectorMetrics.builder(config).register(registry);
        JvmMemoryPoolAllocationMetrics.builder(config).register(registry);
        JvmMemoryMetrics.builder(config).register(registry);
        JvmRuntimeInfoMetric.builder(config).register(registry);
        ProcessMetrics.builder(config).register(registry);
    }
}
