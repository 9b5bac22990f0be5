package io.servd.agent.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.servd.agent.config.HttpLimits;
import io.servd.daemon.pressure.LoadShedder;
import io.servd.netpoll.ServerLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The pipeline of one HTTP connection: the header and read timeouts on raw bytes
 * ({@link RequestTimeouts}), HTTP/1.1 framing with size limits, closing when idle on drain
 * ({@link CloseWhenIdle}), keep-alive, the decision on the request head ({@link HeadGate}), the body
 * capped at {@link #MAX_BODY_BYTES} ({@link BodyCap}), and {@link RequestHandler} answering through
 * {@link Routes}. Limits are deliberately small: servd's API takes only small JSON documents. With a
 * {@link LoadShedder}, its handler comes first: under memory pressure a new connection's request is
 * answered {@code 503} there, before any of the above is spent on it.
 *
 * <p>Memory: what a connection can hold is bounded — request line, headers, body, and one read buffer
 * of at most {@link #MAX_READ_BYTES} — and a refused request's body is never read, so the direct memory
 * in use is at most the listener's connection cap times ~32 KiB. Buffers come from Netty's unpooled
 * allocator: a pool keeps the memory of its busiest moment (arenas per event loop) for throughput servd
 * does not need; unpooled buffers go back as soon as they are released, so memory after a flood
 * returns to what the open connections hold.
 */
public final class HttpApi extends ChannelInitializer<Channel> {
    /** Longest request line (method, URI, version) accepted, in bytes; longer answers 414. */
    public static final int MAX_INITIAL_LINE_BYTES = 4096;
    /** Largest header block accepted, in bytes; larger answers 431. */
    public static final int MAX_HEADER_BYTES = 8192;
    /** Largest request body accepted, in bytes; larger answers 413. A limits request needs well under 1 KiB. */
    public static final int MAX_BODY_BYTES = 4 * 1024;
    /** Largest single read from a socket: a whole head plus a body fits, and no peer can make it grow. */
    public static final int MAX_READ_BYTES = 16 * 1024;
    /** How long a client over the connection cap is asked to wait: connections turn over in milliseconds. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    /** One line per window for what a client can provoke at will (malformed requests, handler failures). */
    static final Duration LOG_INTERVAL = Duration.ofSeconds(60);

    private static final ByteBufAllocator ALLOCATOR = UnpooledByteBufAllocator.DEFAULT;
    private static final RecvByteBufAllocator READS = new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ_BYTES);

    private final Routes routes;
    private final HttpLimits limits;
    private final HostCheck hosts;
    private final Optional<LoadShedder> shedder;
    private final LogLimiter malformed = new LogLimiter(LOG_INTERVAL, System::nanoTime);
    private final LogLimiter failures = new LogLimiter(LOG_INTERVAL, System::nanoTime);

    /** The API with the default limits ({@link HttpLimits#defaults()}). */
    public HttpApi(Routes routes) {
        this(routes, HttpLimits.defaults());
    }

    /** The API without load shedding (the control socket: an operator's way in under pressure). */
    public HttpApi(Routes routes, HttpLimits limits) {
        this(routes, limits, Optional.empty());
    }

    /** The API that sheds new requests while {@code shedder} says so. */
    public HttpApi(Routes routes, HttpLimits limits, LoadShedder shedder) {
        this(routes, limits, Optional.of(shedder));
    }

    private HttpApi(Routes routes, HttpLimits limits, Optional<LoadShedder> shedder) {
        this.routes = Objects.requireNonNull(routes, "routes");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.hosts = new HostCheck(limits.allowedHosts());
        this.shedder = Objects.requireNonNull(shedder, "shedder");
    }

    /**
     * The listener limits of an HTTP server: {@code limits.maxConnections()} with a {@code 503} and
     * {@code Retry-After} for one more, and the idle timeout. (The header and read timeouts are this
     * pipeline's own; see {@link RequestTimeouts}.)
     */
    public static ServerLimits listenerLimits(HttpLimits limits) {
        byte[] refusal = Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many connections",
                        "[" + limits.maxConnections() + "] connections are open, as many as [HTTP] MaxConnections= allows")
                .withHeader("Retry-After", Long.toString(RETRY_AFTER.toSeconds()))
                .toWire();
        return ServerLimits.none()
                .withMaxConnections(limits.maxConnections())
                .withIdleTimeout(limits.idleTimeout())
                .withRefusal(new String(refusal, StandardCharsets.ISO_8859_1));
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.config().setAllocator(ALLOCATOR).setRecvByteBufAllocator(READS);
        var timeouts = new RequestTimeouts(limits.headerTimeout(), limits.readTimeout());
        ch.pipeline()
                .addLast("timeouts", timeouts)
                .addLast("codec", new HttpServerCodec(MAX_INITIAL_LINE_BYTES, MAX_HEADER_BYTES, 8192))
                .addLast("drain", new CloseWhenIdle())
                .addLast("keep-alive", new HttpServerKeepAliveHandler())
                .addLast("gate", new HeadGate(routes, hosts, timeouts, malformed))
                .addLast("aggregator", new BodyCap())
                .addLast("api", new RequestHandler(routes, failures));
        shedder.ifPresent(s -> ch.pipeline().addFirst("shed", s.newHandler()));
    }
}
