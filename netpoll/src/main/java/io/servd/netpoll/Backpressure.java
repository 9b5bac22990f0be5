package io.servd.netpoll;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Stops reading from a peer while its outbound buffer is above the high water mark (Netty default
 * 64 KiB, or the channel's own: the agent's HTTP connections set 16 KiB) and resumes below the low
 * one (32 KiB; the agent's 8 KiB): a client that sends requests but does not read the responses
 * stalls itself instead of growing our memory without bound. It only toggles auto-read and passes
 * the event on, so handlers after it (a {@code ChunkedWriteHandler} resuming its writes) see it too.
 */
@ChannelHandler.Sharable
final class Backpressure extends ChannelInboundHandlerAdapter {
    static final Backpressure INSTANCE = new Backpressure();

    private Backpressure() {
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }
}
