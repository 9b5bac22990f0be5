package io.servd.agent.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
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
 * ({@link CloseWhenIdle}), keep-alive, replies written piece by piece while writable, the decision on the request head ({@link HeadGate}), the body
 * capped at {@link #MAX_BODY_BYTES} ({@link BodyCap}), and {@link RequestHandler} answering through
 * {@link Routes}. Limits are deliberately small: servd's API takes only small JSON documents. With a
 * {@link LoadShedder}, its handler comes first: under memory pressure a new connection's request is
 * answered {@code 503} there, before any of the above is spent on it.
 *
 * <p>Memory: what a connection can hold in direct memory is bounded by {@link #CONNECTION_DIRECT_BYTES}.
 * Reading, the request line, headers and body are capped and one read takes at most
 * {@link #MAX_READ_BYTES} ({@link #READ_DIRECT_BYTES}); a refused request's body is never read.
 * Writing, every reply goes through a {@link ChunkedWriteHandler} as a {@link ReplyChunks}: pieces of
 * at most {@link #CHUNK_BYTES}, handed on only while the outbound buffer is below this connection's
 * high-water mark of {@link #WRITE_HIGH_WATER_BYTES} ({@link #WRITE_DIRECT_BYTES}). That matters on
 * epoll, which copies each heap buffer into a direct buffer of its size when it is written and keeps
 * the copy until the peer has read it: a whole {@code /metrics} of megabytes per slow scraper would
 * exhaust {@code -XX:MaxDirectMemorySize} (4 MiB at {@code MemoryMax=64M}, see {@code servd-java}),
 * and the JDK then sleeps on the event loop in {@code Bits.reserveMemory} for every failed
 * allocation. The listeners' connection caps are derived from the JVM's direct memory and this bound
 * at start-up. Buffers come from Netty's unpooled allocator: a pool keeps the memory of its busiest
 * moment (arenas per event loop) for throughput servd does not need; unpooled buffers go back as soon
 * as they are released, so memory after a flood returns to what the open connections hold.
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
    /**
     * Largest piece of a reply body handed to the channel at once, in bytes; a reply of at most this
     * much goes out as one full response. Small enough that a connection's share of direct memory
     * stays a few tens of KiB, large enough that a 3.6 MB {@code /metrics} is ~450 writes, not 50,000.
     */
    public static final int CHUNK_BYTES = 8 * 1024;
    /**
     * A connection is unwritable above this many bytes queued for the socket (Netty's default is 64 KiB):
     * {@link ReplyChunks} pieces wait, and netpoll's backpressure stops reading its requests.
     */
    public static final int WRITE_HIGH_WATER_BYTES = 16 * 1024;
    /** Below this many queued bytes a connection is writable again. */
    public static final int WRITE_LOW_WATER_BYTES = 8 * 1024;
    /**
     * Allowance for a response's status line and headers on top of its body: ~150 bytes for most,
     * the longest (a 405's {@code Allow}, a 503's {@code Retry-After}) well under 1 KiB.
     */
    static final int RESPONSE_HEAD_BYTES = 1024;
    /**
     * Most direct memory the read side of a connection holds, in bytes: one read buffer, plus a
     * cumulation of a partial request line, header block and capped body.
     */
    public static final int READ_DIRECT_BYTES = MAX_READ_BYTES + MAX_INITIAL_LINE_BYTES + MAX_HEADER_BYTES + MAX_BODY_BYTES;
    /**
     * Most direct memory the write side of a connection holds, in bytes: up to the high-water mark
     * queued, plus the one piece (a chunk and a response head) that crossed it.
     */
    public static final int WRITE_DIRECT_BYTES = WRITE_HIGH_WATER_BYTES + CHUNK_BYTES + RESPONSE_HEAD_BYTES;
    /** Most direct memory one connection holds, in bytes: 32 KiB reading + 25 KiB writing = 57 KiB. */
    public static final int CONNECTION_DIRECT_BYTES = READ_DIRECT_BYTES + WRITE_DIRECT_BYTES;
    /** How long a client over the connection cap is asked to wait: connections turn over in milliseconds. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    /** One line per window for what a client can provoke at will (malformed requests, handler failures). */
    static final Duration LOG_INTERVAL = Duration.ofSeconds(60);

    private static final ByteBufAllocator ALLOCATOR = UnpooledByteBufAllocator.DEFAULT;
    private static final RecvByteBufAllocator READS = new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ_BYTES);
    private static final WriteBufferWaterMark WRITES = new WriteBufferWaterMark(WRITE_LOW_WATER_BYTES, WRITE_HIGH_WATER_BYTES);

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
     * The listener limits of an HTTP server: {@code limits.maxConnections()} (at start-up lowered to
     * what direct memory holds, see {@link #CONNECTION_DIRECT_BYTES}) with a {@code 503} and
     * {@code Retry-After} for one more, and the idle timeout. (The header and read timeouts are this
     * pipeline's own; see {@link RequestTimeouts}.)
     */
    public static ServerLimits listenerLimits(HttpLimits limits) {
        byte[] refusal = Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many connections",
                        "[" + limits.maxConnections() + "] connections are open, as many as [HTTP] MaxConnections= and direct memory allow")
                .withHeader("Retry-After", Long.toString(RETRY_AFTER.toSeconds()))
                .toWire();
        return ServerLimits.none()
                .withMaxConnections(limits.maxConnections())
                .withBacklog(limits.maxConnections()) // as servd.socket's Backlog=, when servd binds itself
                .withIdleTimeout(limits.idleTimeout())
                .withRefusal(new String(refusal, StandardCharsets.ISO_8859_1));
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.config().setAllocator(ALLOCATOR).setRecvByteBufAllocator(READS).setWriteBufferWaterMark(WRITES);
        var timeouts = new RequestTimeouts(limits.headerTimeout(), limits.readTimeout());
        ch.pipeline()
                .addLast("timeouts", timeouts)
                .addLast("codec", new HttpServerCodec(MAX_INITIAL_LINE_BYTES, MAX_HEADER_BYTES, 8192))
                .addLast("drain", new CloseWhenIdle())
                .addLast("keep-alive", new HttpServerKeepAliveHandler())
                .addLast("chunks", new ChunkedWriteHandler()) // every reply, see ReplyChunks
                .addLast("gate", new HeadGate(routes, hosts, timeouts, malformed))
                .addLast("aggregator", new BodyCap())
                .addLast("api", new RequestHandler(routes, failures));
        shedder.ifPresent(s -> ch.pipeline().addFirst("shed", s.newHandler()));
    }
}
