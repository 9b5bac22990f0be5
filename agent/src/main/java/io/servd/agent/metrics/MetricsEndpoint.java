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
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.zip.GZIPOutputStream;

/**
 * {@code GET /metrics}: the registry scraped and written by the Prometheus client's own writers,
 * picked from the {@code Accept} header ({@code application/openmetrics-text} gives OpenMetrics 1.0,
 * anything else the text format 0.0.4; protobuf only if its writer is on the class path), gzipped
 * when {@code Accept-Encoding} allows it, as Prometheus asks by default (3.6 MB of text for 1,000
 * units is 135 KB gzipped: bench/results/2026-12-02-metrics-scrape.md). The compression runs where
 * the scrape does, never on an event loop, and once for all who share a coalesced scrape.
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

    /** Scrapes now and answers in the negotiated format and encoding. */
    public Reply scrape(FullHttpRequest request) {
        return scrape(writer(request), acceptsGzip(request.headers().get(HttpHeaderNames.ACCEPT_ENCODING)));
    }

    /**
     * Answers with a scrape, in the negotiated format, that starts after this call, on the executor and
     * shared with every caller that asks for the same format while the scrape before it runs
     * ({@link Coalescer}); fails with the executor's {@code RejectedExecutionException} when it is full.
     */
    public CompletableFuture<Reply> scrapeLater(FullHttpRequest request) {
        ExpositionFormatWriter writer = writer(request);
        boolean gzip = acceptsGzip(request.headers().get(HttpHeaderNames.ACCEPT_ENCODING));
        return scrapes.computeIfAbsent((gzip ? "gzip " : "") + writer.getContentType(),
                key -> new Coalescer<>(() -> scrape(writer, gzip), executor)).next();
    }

    /**
     * Whether an {@code Accept-Encoding} value (RFC 9110 §12.5.3) allows gzip: a {@code gzip} (or
     * {@code x-gzip}) or {@code *} coding whose {@code q} is not 0. Absent or malformed: identity.
     */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        boolean star = false;
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.split(";");
            String name = parts[0].trim().toLowerCase(java.util.Locale.ROOT);
            boolean allowed = true;
            for (int i = 1; i < parts.length; i++) {
                String param = parts[i].trim().toLowerCase(java.util.Locale.ROOT);
                if (param.startsWith("q=")) {
                    allowed = !param.substring(2).trim().matches("0(\\.0{0,3})?");
                }
            }
            if (name.equals("gzip") || name.equals("x-gzip")) {
                return allowed; // named: its own q decides, whatever * says
            }
            if (name.equals("*")) {
                star = allowed;
            }
        }
        return star;
    }

    private ExpositionFormatWriter writer(FullHttpRequest request) {
        ExpositionFormatWriter writer = formats.findWriter(request.headers().get(HttpHeaderNames.ACCEPT));
        return writer.isAvailable() ? writer : formats.getPrometheusTextFormatWriter();
    }

    private Reply scrape(ExpositionFormatWriter writer, boolean gzip) {
        var out = new ByteArrayOutputStream(16 * 1024);
        try (OutputStream body = gzip ? new GZIPOutputStream(out, 8 * 1024) : out) {
            writer.write(body, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("writing metrics to memory failed", e); // cannot happen: a bug
        }
        Reply reply = Reply.of(HttpResponseStatus.OK, writer.getContentType(), out.toByteArray())
                .withHeader("Vary", "Accept-Encoding");
        return gzip ? reply.withHeader("Content-Encoding", "gzip") : reply;
    }
}
