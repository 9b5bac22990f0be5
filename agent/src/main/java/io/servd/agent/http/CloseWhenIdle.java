package io.servd.agent.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.servd.netpoll.Draining;

/**
 * HTTP's part of a drain, as Go's {@code http.Server.Shutdown}: when the server asks to drain, an
 * idle keep-alive connection closes at once; a connection with a request in flight answers it with
 * {@code Connection: close} and closes after the response. Sits right after the codec, so "in flight"
 * starts with the request line, before the body has arrived.
 */
final class CloseWhenIdle extends ChannelDuplexHandler {
    private boolean inFlight;
    private boolean draining;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            inFlight = true;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (draining && msg instanceof HttpResponse response) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (msg instanceof LastHttpContent) {
            inFlight = false;
            if (draining) {
                ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == Draining.REQUESTED) {
            draining = true;
            if (!inFlight) {
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }
}
