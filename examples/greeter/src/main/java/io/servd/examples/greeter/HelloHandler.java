package io.servd.examples.greeter;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.servd.netpoll.Draining;

import java.nio.charset.StandardCharsets;

/** {@code GET /} → 200 {@code Hello, World!}; anything else → 404. Keep-alive; closes when drained and idle. */
final class HelloHandler extends ChannelInboundHandlerAdapter {
    private static final ByteBuf HELLO = Unpooled.unreleasableBuffer(
            Unpooled.copiedBuffer("Hello, World!", StandardCharsets.US_ASCII).asReadOnly());
    private boolean inRequest;
    private boolean draining;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                inRequest = true;
                boolean hello = request.method().equals(HttpMethod.GET) && request.uri().equals("/");
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        hello ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND,
                        hello ? HELLO.duplicate() : Unpooled.EMPTY_BUFFER);
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
                boolean keepAlive = HttpUtil.isKeepAlive(request) && !draining;
                HttpUtil.setKeepAlive(response, keepAlive);
                ctx.write(response).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
            }
            if (msg instanceof LastHttpContent) {
                inRequest = false;
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush(); // one flush per batch of pipelined requests
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a peer's reset or a malformed request ends its connection; nothing is logged per request
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == Draining.REQUESTED) {
            draining = true; // the next response says Connection: close
            if (!inRequest) {
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }
}
