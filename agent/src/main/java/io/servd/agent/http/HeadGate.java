package io.servd.agent.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides every request on its head, before any body byte is read (DESIGN §6: nothing
 * unauthenticated costs more than a header). Framing first — undecodable heads (400/414/431), HTTP
 * versions other than 1.0 and 1.1 (505), a target not in origin form, repeated singleton headers
 * (400), the {@code Host} check ({@link HostCheck}), a declared body over {@link HttpApi#MAX_BODY_BYTES}
 * (413), unknown transfer codings and expectations — then the route's own verdict
 * ({@link Routes#refusal}: 404, 405, 400 for malformed escapes, the access check, media type, body).
 *
 * <p>A refused request is answered at once. If a body was announced, or the framing itself was
 * wrong, the connection stops reading and closes after the answer: the body is never read. Otherwise
 * (a refused {@code GET}) the connection stays open for the next request. Malformed requests are
 * logged at most once per {@link #LOG_INTERVAL}-long window ({@link LogLimiter}), never with a stack.
 */
final class HeadGate extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(HeadGate.class);
    /** Headers that must appear at most once: two would let two parsers disagree on which one counts. */
    private static final List<AsciiString> SINGLETONS = List.of(HttpHeaderNames.HOST, HttpHeaderNames.AUTHORIZATION,
            HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.EXPECT);

    private final Routes routes;
    private final HostCheck hosts;
    private final RequestTimeouts timeouts;
    private final LogLimiter malformed;
    private boolean skipping;  // discarding the (empty) rest of a refused request on a kept connection
    private boolean closing;   // a refusal closes the connection: discard everything still decoded

    HeadGate(Routes routes, HostCheck hosts, RequestTimeouts timeouts, LogLimiter malformed) {
        this.routes = routes;
        this.hosts = hosts;
        this.timeouts = timeouts;
        this.malformed = malformed;
    }

    /** How a refusal ends: {@code close} when the rest of the connection cannot be trusted or read. */
    private record Refusal(Reply reply, boolean close) {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest head) {
            Optional<Refusal> refusal = refusal(ctx, head);
            if (refusal.isEmpty()) {
                timeouts.headReceived(!(msg instanceof LastHttpContent) && announcesBody(head));
                passOn(ctx, msg);
                return;
            }
            timeouts.headReceived(false);
            boolean close = refusal.get().close() || announcesBody(head) || !HttpUtil.isKeepAlive(head);
            skipping = !close && !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            respond(ctx, head, refusal.get().reply(), close);
            return;
        }
        if (skipping) {
            skipping = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            return;
        }
        passOn(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        // 100 Continue is not the answer: the body and the real response are still to come.
        if (msg instanceof LastHttpContent && !(msg instanceof HttpResponse r
                && r.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
            timeouts.responded();
        }
        ctx.write(msg, promise);
    }

    private void passOn(ChannelHandlerContext ctx, Object msg) {
        boolean last = msg instanceof LastHttpContent;
        ctx.fireChannelRead(msg);
        if (last) {
            timeouts.bodyComplete();
        }
    }

    private Optional<Refusal> refusal(ChannelHandlerContext ctx, HttpRequest head) {
        Optional<Reply> framing = framing(ctx, head);
        if (framing.isPresent()) {
            if (framing.get().status().code() == HttpResponseStatus.BAD_REQUEST.code()
                    || framing.get().status().code() == HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED.code()) {
                logMalformed(ctx, framing.get());
            }
            return Optional.of(new Refusal(framing.get(), true));
        }
        Optional<Reply> routed = routes.refusal(head, ctx.channel());
        if (routed.isPresent() && routed.get().status().code() == HttpResponseStatus.BAD_REQUEST.code()) {
            logMalformed(ctx, routed.get());
        }
        return routed.map(r -> new Refusal(r, false));
    }

    private Optional<Reply> framing(ChannelHandlerContext ctx, HttpRequest head) {
        if (head.decoderResult().isFailure()) {
            return Optional.of(RequestHandler.undecodable(head.decoderResult().cause()));
        }
        HttpVersion version = head.protocolVersion();
        if (!version.protocolName().equals("HTTP") || version.majorVersion() != 1 || version.minorVersion() > 1) {
            return Optional.of(Reply.error(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "http version not supported",
                    "[" + version.text() + "] is not served: use HTTP/1.1 or HTTP/1.0"));
        }
        if (!head.uri().startsWith("/")) {
            return Optional.of(bad("request target must be a path starting with '/', got [" + head.uri() + "]"));
        }
        for (AsciiString name : SINGLETONS) {
            if (head.headers().getAll(name).size() > 1) {
                return Optional.of(bad("header [" + name + "] given more than once"));
            }
        }
        Optional<Reply> host = hosts.refusal(head, ctx.channel().localAddress());
        if (host.isPresent()) {
            return host;
        }
        String coding = head.headers().get(HttpHeaderNames.TRANSFER_ENCODING);
        if (coding != null && !HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(coding.strip())) {
            return Optional.of(bad("unsupported [Transfer-Encoding: " + coding + "]: only [chunked] is accepted"));
        }
        long length;
        try {
            length = HttpUtil.getContentLength(head, 0L);
        } catch (NumberFormatException e) {
            return Optional.of(bad("malformed [Content-Length: " + head.headers().get(HttpHeaderNames.CONTENT_LENGTH) + "]"));
        }
        if (length > HttpApi.MAX_BODY_BYTES) {
            return Optional.of(RequestHandler.tooLarge());
        }
        String expect = head.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.strip())) {
            return Optional.of(Reply.error(HttpResponseStatus.EXPECTATION_FAILED, "expectation failed",
                    "unsupported [Expect: " + expect + "]: only [100-continue] is understood"));
        }
        return Optional.empty();
    }

    /** Whether body bytes follow the head: a positive length, or chunks (perhaps none but the last). */
    static boolean announcesBody(HttpRequest head) {
        if (HttpUtil.isTransferEncodingChunked(head)) {
            return true;
        }
        try {
            return HttpUtil.getContentLength(head, 0L) > 0;
        } catch (NumberFormatException e) {
            return true; // unknown: assume the worst, the connection closes
        }
    }

    private static Reply bad(String detail) {
        return Reply.error(HttpResponseStatus.BAD_REQUEST, "bad request", detail);
    }

    private void logMalformed(ChannelHandlerContext ctx, Reply reply) {
        OptionalLong suppressed = malformed.tryAcquire();
        if (suppressed.isPresent()) {
            log.warn("refused malformed request from [{}] with [{}]: {} ([{}] more since the last such line)",
                    ctx.channel().remoteAddress(), reply.status().code(), new String(reply.body(),
                            java.nio.charset.StandardCharsets.UTF_8).strip(), suppressed.getAsLong());
        } else if (log.isDebugEnabled()) {
            log.debug("refused malformed request from [{}] with [{}]", ctx.channel().remoteAddress(), reply.status().code());
        }
    }

    private void respond(ChannelHandlerContext ctx, HttpRequest head, Reply reply, boolean close) {
        FullHttpResponse response = RequestHandler.toResponse(reply);
        if (close) {
            closing = true;
            ctx.channel().config().setAutoRead(false); // the body stays in the kernel, unread
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(head));
            ctx.writeAndFlush(response);
            timeouts.responded();
        }
    }
}
