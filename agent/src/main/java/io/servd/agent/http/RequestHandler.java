package io.servd.agent.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers each aggregated request through {@link Routes}. A request the codec could not decode
 * (bad request line, oversized headers, a broken chunk) answers 400 / 431 / 414 and closes the
 * connection; a handler failure answers 500 with the failure named, never a stack trace on the wire.
 * Failures a client can provoke at will are logged through a {@link LogLimiter}: one line per window.
 *
 * <p>An answer that is not ready at once (an {@link Routes.AsyncHandler}'s) is written on the event
 * loop when it completes; until then the loop serves other connections. Answers on one connection go
 * out in request order, even when pipelined requests complete out of order.
 */
final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(RequestHandler.class);

    private static final byte[] EMPTY = new byte[0];

    private final Routes routes;
    private final LogLimiter failures;
    /** The last answer of this connection still to be written: the next one is written after it. */
    private CompletableFuture<?> previous = CompletableFuture.completedFuture(null);

    RequestHandler(Routes routes, LogLimiter failures) {
        this.routes = routes;
        this.failures = failures;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            writeAndClose(ctx, undecodable(cause));
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean chunks = request.protocolVersion().minorVersion() >= 1; // HTTP/1.0 has no chunked coding
        boolean headOnly = HttpMethod.HEAD.equals(request.method()); // the length, not the body
        String what = request.method() + " " + request.uri(); // the request is released when this returns
        CompletableFuture<Reply> answer;
        try {
            answer = routes.answer(request, ctx.channel()).toCompletableFuture();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        if (answer.isDone() && previous.isDone()) {
            previous = write(ctx, reply(answer, what), keepAlive, chunks, headOnly);
            return;
        }
        CompletableFuture<Reply> pending = answer;
        // after the previous answer is written (a streamed one: ended), whether that went well or not
        previous = previous.handle((v, e) -> null).thenCombine(answer.handle((r, e) -> null), (a, b) -> null)
                .thenComposeAsync(v -> write(ctx, reply(pending, what), keepAlive, chunks, headOnly), ctx.executor());
    }

    /**
     * Writes {@code reply}; the stage completes when it is written whole (a streamed body: ended), so
     * that a streamed body after it starts on an empty queue and its writability checks mean what they
     * say. A whole body goes through the pipeline's {@link io.netty.handler.stream.ChunkedWriteHandler} as a
     * {@link ReplyChunks}: piece by piece, only while the channel is writable, after whatever this
     * connection queued before it; the keep-alive handler closes a {@code Connection: close}
     * connection after the last piece.
     */
    private CompletableFuture<Void> write(ChannelHandlerContext ctx, Reply reply, boolean keepAlive, boolean chunks,
                                          boolean headOnly) {
        if (reply.stream().isPresent()) {
            return stream(ctx, reply, keepAlive, chunks); // writes HttpContents of its own: not cut again
        }
        var head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, reply.status());
        setHeaders(head.headers(), reply);
        HttpUtil.setKeepAlive(head, keepAlive);
        var written = new CompletableFuture<Void>();
        ctx.writeAndFlush(new ReplyChunks(head, headOnly ? EMPTY : reply.body(), HttpApi.CHUNK_BYTES))
                .addListener(f -> written.complete(null)); // a failed write closes the connection anyway
        return written;
    }

    /**
     * The head of a {@link StreamedBody}'s reply — chunked on HTTP/1.1; on HTTP/1.0 delimited by the
     * connection's close —, then the body, which writes at its own pace.
     */
    private static CompletableFuture<Void> stream(ChannelHandlerContext ctx, Reply reply, boolean keepAlive, boolean chunks) {
        var head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, reply.status());
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").set(Reply.NOSNIFF.getKey(), Reply.NOSNIFF.getValue());
        reply.headers().forEach(h -> head.headers().set(h.getKey(), h.getValue()));
        boolean close = !keepAlive || !chunks;
        if (chunks) {
            HttpUtil.setTransferEncodingChunked(head, true);
        }
        HttpUtil.setKeepAlive(head, !close);
        ctx.writeAndFlush(head);
        CompletableFuture<Void> done;
        try {
            done = reply.stream().get().start(ctx.channel()).toCompletableFuture();
        } catch (RuntimeException e) {
            log.warn("streamed body of [{}] failed to start", ctx.channel(), e);
            ctx.close();
            return CompletableFuture.completedFuture(null);
        }
        if (close) {
            done.whenComplete((v, e) -> ctx.close());
        }
        return done.handle((v, e) -> null);
    }

    /** The completed {@code answer}, or 500 naming the failure of its handler. */
    private Reply reply(CompletableFuture<Reply> answer, String what) {
        try {
            return answer.join();
        } catch (RuntimeException e) {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            var suppressed = failures.tryAcquire();
            if (suppressed.isPresent()) {
                log.error("handling [{}] failed ([{}] more failures since the last such line)", what,
                        suppressed.getAsLong(), cause);
            }
            return Reply.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error", cause.toString());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("connection [{}] failed", ctx.channel().remoteAddress(), cause); // peer reset: normal
        } else {
            var suppressed = failures.tryAcquire();
            if (suppressed.isPresent()) {
                log.warn("connection [{}] failed ([{}] more failures since the last such line)",
                        ctx.channel().remoteAddress(), suppressed.getAsLong(), cause);
            }
        }
        ctx.close();
    }

    /** 413 in the JSON error shape: the body exceeds {@link HttpApi#MAX_BODY_BYTES}. */
    static Reply tooLarge() {
        return Reply.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large",
                "body exceeds [" + HttpApi.MAX_BODY_BYTES + "] bytes");
    }

    static Reply undecodable(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return Reply.error(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request headers too large",
                    "header block exceeds [" + HttpApi.MAX_HEADER_BYTES + "] bytes");
        }
        if (cause instanceof TooLongHttpLineException) {
            return Reply.error(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long",
                    "request line exceeds [" + HttpApi.MAX_INITIAL_LINE_BYTES + "] bytes");
        }
        return Reply.error(HttpResponseStatus.BAD_REQUEST, "bad request", String.valueOf(cause.getMessage()));
    }

    private static void writeAndClose(ChannelHandlerContext ctx, Reply reply) {
        FullHttpResponse response = toResponse(reply);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /** {@code reply} as one full response, for small answers written whole (refusals, errors). */
    static FullHttpResponse toResponse(Reply reply) {
        var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, reply.status(),
                Unpooled.wrappedBuffer(reply.body()));
        setHeaders(response.headers(), reply);
        return response;
    }

    private static void setHeaders(HttpHeaders headers, Reply reply) {
        headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .set(Reply.NOSNIFF.getKey(), Reply.NOSNIFF.getValue())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        // A reply's own Content-Type (e.g. /metrics' text format) replaces the JSON default.
        reply.headers().forEach(h -> {
            if (HttpHeaderNames.CONTENT_TYPE.contentEqualsIgnoreCase(h.getKey())) {
                headers.set(HttpHeaderNames.CONTENT_TYPE, h.getValue());
            } else {
                headers.add(h.getKey(), h.getValue());
            }
        });
    }
}
