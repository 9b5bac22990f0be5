package io.servd.netpoll;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.timeout.IdleStateEvent;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Sets up each accepted connection: admission against {@link ServerLimits#maxConnections()}, the
 * loop's progress for the watchdog ({@link IoPasses}), the timeouts, backpressure, then the
 * application's initializer.
 */
@ChannelHandler.Sharable
final class ChildInitializer extends ChannelInitializer<Channel> {
    private final ServerLimits limits;
    private final Connections connections;
    private final ChannelInitializer<Channel> application;
    private final ChannelHandler progress;

    /** @param progress the loops' progress handler ({@link IoPasses#handler()}), in every served pipeline */
    ChildInitializer(ServerLimits limits, Connections connections, ChannelInitializer<Channel> application,
                     ChannelHandler progress) {
        this.limits = limits;
        this.connections = connections;
        this.application = application;
        this.progress = progress;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (!connections.tryAdd(ch, limits.maxConnections())) {
            p.addLast("servd-refuse", new Refuse(limits.refusalBytes(), connections, limits.maxConnections()));
            return;
        }
        p.addLast("servd-progress", progress);
        p.addLast(DrainOnFirstRead.NAME, new DrainOnFirstRead());
        if (limits.readTimeout().isPresent() || limits.idleTimeout().isPresent()) {
            // one IdleStateHandler for both: reader-idle is the read timeout, all-idle the idle timeout
            long readNanos = limits.readTimeout().map(Duration::toNanos).orElse(0L);
            long idleNanos = limits.idleTimeout().map(Duration::toNanos).orElse(0L);
            p.addLast("servd-idle-state", new IdleStateHandler(readNanos, 0, idleNanos, TimeUnit.NANOSECONDS));
            p.addLast("servd-idle-close", IdleClose.INSTANCE);
        }
        p.addLast("servd-backpressure", Backpressure.INSTANCE);
        p.addLast(application);
    }

    /**
     * Answers an over-limit connection with the refusal bytes and closes it: after a linger
     * ({@link Refusal}) while fewer refused connections than the maximum of open ones linger, at once
     * beyond that, so that a flood of refused peers cannot hold more descriptors than the served ones.
     */
    private static final class Refuse extends ChannelInboundHandlerAdapter {
        private final byte[] refusal;
        private final Connections connections;
        private final OptionalInt maxLingering;

        Refuse(byte[] refusal, Connections connections, OptionalInt maxLingering) {
            this.refusal = refusal;
            this.connections = connections;
            this.maxLingering = maxLingering;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (refusal.length == 0) {
                ctx.close();
            } else if (connections.tryLinger(ctx.channel(), maxLingering)) {
                Refusal.answerAndLinger(ctx, Unpooled.wrappedBuffer(refusal));
            } else {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(refusal)).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg); // a refused peer's request is not read
        }
    }

    /** Closes a connection when {@link IdleStateHandler} reports a read or idle timeout. */
    @ChannelHandler.Sharable
    private static final class IdleClose extends ChannelInboundHandlerAdapter {
        static final IdleClose INSTANCE = new IdleClose();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }
    }
}
