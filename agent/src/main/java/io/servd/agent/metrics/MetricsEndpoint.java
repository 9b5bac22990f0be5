package io.servd.agent.metrics;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.servd.agent.http.Coalescer;
import io.servd.agent.http.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * {@code GET /metrics}: the registry scraped and written by the Prometheus client's own writers,
 * picked from the {@code Accept} header ({@code application/openmetrics-text} gives OpenMetrics 1.0,
 * anything else the text format 0.0.4; protobuf only if its writer is on the class path).
 */
public final class MetricsEndpoint {
    private final PrometheusRegistry registry;
    private final ExpositionFormats formats = ExpositionFormats.init();

    /** One coalesced scrape per format (a handful: the writers' content types), created on first use. */
    private final Map<String, Coalescer<Reply>> scrapes = new ConcurrentHashMap<>();
    private final Executor executor;

    /** Scrapes on the calling thread. */
    public MetricsEndpoint(PrometheusRegistry registry) {
        this(registry, Runnable::run);
    }

    /** {@link #scrapeLater} scrapes on {@code executor}, which may refuse work. */
    public MetricsEndpoint(PrometheusRegistry registry, Executor executor) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** Scrapes now and answers in the negotiated format. */
    public Reply scrape(FullHttpRequest request) {
        return scrape(writer(request));
    }

    /**
     * Answers with a scrape, in the negotiated format, that starts after this call, on the executor and
     * shared with every caller that asks for the same format while the scrape before it runs
     * ({@link Coalescer}); fails with the executor's {@code RejectedExecutionException} when it is full.
     */
    public CompletableFuture<Reply> scrapeLater(FullHttpRequest request) {
        ExpositionFormatWriter writer = writer(request);
        return scrapes.computeIfAbsent(writer.getContentType(), type -> new Coalescer<>(() -> scrape(writer), executor)).next();
    }

    private ExpositionFormatWriter writer(FullHttpRequest request) {
        ExpositionFormatWriter writer = formats.findWriter(request.headers().get(HttpHeaderNames.ACCEPT));
        return writer.isAvailable() ? writer : formats.getPrometheusTextFormatWriter();
    }

    private Reply scrape(ExpositionFormatWriter writer) {
        var out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("writing metrics to memory failed", e); // cannot happen: a bug
        }
        return Reply.of(HttpResponseStatus.OK, writer.getContentType(), out.toByteArray());
    }
}
