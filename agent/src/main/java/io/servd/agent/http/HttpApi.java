package io.servd.agent.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.util.Objects;

/**
 * The pipeline of one HTTP connection: HTTP/1.1 framing with size limits, keep-alive, closing
 * when idle on drain ({@link CloseWhenIdle}), and {@link RequestHandler} answering through {@link Routes}. Limits are deliberately small: servd's
 * API takes only small JSON documents.
 */
public final class HttpApi extends ChannelInitializer<Channel> {
    /** Longest request line (method, URI, version) accepted, in bytes; longer answers 414. */
    public static final int MAX_INITIAL_LINE_BYTES = 4096;
    /** Largest header block accepted, in bytes; larger answers 431. */
    public static final int MAX_HEADER_BYTES = 8192;
    /** Largest request body accepted, in bytes; larger answers 413. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private final Routes routes;

    public HttpApi(Routes routes) {
        this.routes = Objects.requireNonNull(routes, "routes");
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline()
                .addLast("codec", new HttpServerCodec(MAX_INITIAL_LINE_BYTES, MAX_HEADER_BYTES, 8192))
                .addLast("drain", new CloseWhenIdle())
                .addLast("keep-alive", new HttpServerKeepAliveHandler())
                .addLast("aggregator", new HttpObjectAggregator(MAX_BODY_BYTES))
                .addLast("api", new RequestHandler(routes));
    }
}
