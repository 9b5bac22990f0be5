package io.servd.daemon.pressure;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.servd.netpoll.Draining;
import io.servd.netpoll.Refusal;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One connection's gate, first in its pipeline (raw bytes, before any HTTP decoding). Its first read
 * is the start of its first request: while shedding, and unless the request targets an exempt path,
 * it is answered with {@link ShedResponse} and never reaches the application. Requests on a
 * connection admitted before shedding began are the application's, so that in-flight requests finish:
 * when shedding begins the connection gets {@link Draining#REQUESTED}, to which the application's
 * handler already answers by closing once idle or after the current response
 * ({@code Connection: close}), as on a drain.
 *
 * <p>A refusal half-closes and discards what the peer still sends ({@link Refusal#answerAndLinger}).
 */
final class ShedHandler extends ChannelInboundHandlerAdapter {
    private final LoadShedder shedder;
    private final ShedResponse response;
    private volatile ChannelHandlerContext ctx;
    private boolean firstRead = true;
    private boolean refused;

    ShedHandler(LoadShedder shedder, ShedResponse response) {
        this.shedder = shedder;
        this.response = response;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        shedder.register(this);
        context.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        shedder.unregister(this);
        context.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg); // the rest of a refused request
            return;
        }
        if (firstRead && msg instanceof ByteBuf in && in.isReadable()) {
            firstRead = false;
            if (shedder.isShedding() && !response.isExempt(in)) {
                in.release();
                refuse(context);
                return;
            }
        }
        context.fireChannelRead(msg);
    }

    private void refuse(ChannelHandlerContext context) {
        refused = true;
        shedder.refused();
        Refusal.answerAndLinger(context, response.wire());
    }

    /** The event loop this connection is served on. */
    Executor eventLoop() {
        return ctx.executor();
    }

    /** Shedding began: a connection already serving requests closes after its in-flight response. */
    void closeAfterResponse() {
        ChannelHandlerContext context = ctx;
        try {
            context.executor().execute(() -> {
                if (!firstRead && !refused && context.channel().isActive()) {
                    context.fireUserEventTriggered(Draining.REQUESTED);
                }
            });
        } catch (RejectedExecutionException e) {
            // the loop is shutting down: it closes the connection itself
        }
    }
}
