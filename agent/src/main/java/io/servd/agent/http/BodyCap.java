package io.servd.agent.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * Aggregates an admitted request's body up to {@link HttpApi#MAX_BODY_BYTES}. A body that grows past
 * it (chunked, so {@link HeadGate} could not see its size) is answered {@code 413} in the JSON error
 * shape with {@code Connection: close}, and the connection stops reading and closes: Netty's own answer
 * has no body and may keep reading.
 */
final class BodyCap extends HttpObjectAggregator {
    BodyCap() {
        super(HttpApi.MAX_BODY_BYTES);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.channel().config().setAutoRead(false);
        FullHttpResponse response = RequestHandler.toResponse(RequestHandler.tooLarge());
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
