package io.servd.netpoll;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * First handler of every accepted connection: delivers {@link Draining#REQUESTED} to a connection
 * that has not sent anything yet only once its first bytes have been read and handled, or after a
 * grace period. A client that connected just before the drain began (or whose connection sat in the
 * accept backlog) has its request on the way; closing such a connection as "idle" resets it.
 * Go's {@code http.Server.Shutdown} makes the same exception: a connection in {@code StateNew} counts
 * as idle only after 5 s.
 */
final class DrainOnFirstRead extends ChannelInboundHandlerAdapter {
    static final String NAME = "servd-drain-on-first-read";

    private ChannelHandlerContext ctx;
    private boolean readAny;      // all fields: the channel's event loop only
    private boolean drainPending;
    private ScheduledFuture<?> grace;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readAny = true;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete(); // the application has seen (and maybe answered) the first request
        if (drainPending && readAny) {
            fire();
        }
    }

    /** Asks this connection to drain: now if it has sent anything, else after its first read or {@code graceTime}. */
    void requestDrain(Duration graceTime) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> requestDrain(graceTime));
            return;
        }
        if (readAny || graceTime.isZero()) {
            ctx.fireUserEventTriggered(Draining.REQUESTED);
            return;
        }
        drainPending = true;
        grace = ctx.executor().schedule(() -> {
            if (drainPending) {
                fire();
            }
        }, graceTime.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void fire() {
        drainPending = false;
        if (grace != null) {
            grace.cancel(false);
        }
        ctx.fireUserEventTriggered(Draining.REQUESTED);
    }
}
