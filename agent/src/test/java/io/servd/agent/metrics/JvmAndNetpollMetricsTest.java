package io.servd.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.servd.netpoll.EventLoops;
import io.servd.netpoll.LoopSizing;
import io.servd.netpoll.NetpollConfig;
import io.servd.netpoll.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JvmAndNetpollMetricsTest {

    @Test
    void exposesJvmAndListenerMetrics() throws Exception {
        var registry = new PrometheusRegistry();
        JvmMetricsWithoutJmx.register(registry);
        try (EventLoops loops = EventLoops.start(Transport.detect(NetpollConfig.defaults()).transport(),
                LoopSizing.defaults(), 1)) {
            var server = loops.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    new io.netty.channel.ChannelInitializer<>() {
                        @Override
                        protected void initChannel(io.netty.channel.Channel ch) {
                        }
                    });
            registry.register(new NetpollMetrics(loops::servers));
            var reply = new MetricsEndpoint(registry).scrape(
                    new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/metrics"));
            String text = new String(reply.body(), StandardCharsets.UTF_8);
            Map<String, String> samples = UnitMetricsTest.parseStrictly(text);
            assertThat(samples).containsKey("servd_netpoll_open_connections{listener=\"" + server.localAddress() + "\"}")
                    .containsEntry("servd_netpoll_refused_connections_total{listener=\"" + server.localAddress() + "\"}", "0.0");
            assertThat(text).contains("jvm_memory_used_bytes{area=\"heap\"}", "jvm_threads_current", "process_cpu_seconds_total",
                    "jvm_gc_collection_seconds_count", "jvm_classes_currently_loaded", "jvm_runtime_info", "jvm_buffer_pool_used_bytes")
                    .doesNotContain("jvm_native_memory");
        }
    }
}
