package io.servd.agent.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The header and read timeouts of one HTTP connection, on raw bytes in front of the codec. The head
 * of a request must be complete within {@code header} of its first byte (of the connection's start
 * for the first request); while a body is read, each byte must follow the previous one within
 * {@code read}. Either miss is answered {@code 408} in the JSON error shape and the connection closed.
 * Between requests and while a request is handled no timer runs: netpoll's idle timeout closes a
 * connection that does nothing then. {@link HeadGate} reports the request's progress; all calls on the
 * channel's event loop.
 *
 * <p>netpoll's read timeout (reader idle) is not used for HTTP: it cannot tell a stalled request from
 * a keep-alive connection between requests, so it would cut the latter before the idle timeout.
 */
final class RequestTimeouts extends ChannelDuplexHandler {
    private enum Phase { HEAD, BODY, HANDLING, IDLE }

    private final Duration header;
    private final Duration read;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.HEAD;
    private ScheduledFuture<?> timer;

    RequestTimeouts(Duration header, Duration read) {
        this.header = header;
        this.read = read;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            arm(header);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (timer == null && phase == Phase.HEAD) {
            arm(header);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b && b.isReadable()) {
            if (phase == Phase.IDLE) {
                phase = Phase.HEAD;   // the first byte of the next request
                arm(header);
            } else if (phase == Phase.BODY) {
                arm(read);
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    /** The head is complete; {@code bodyFollows}: the read timeout runs until {@link #bodyComplete()}. */
    void headReceived(boolean bodyFollows) {
        phase = bodyFollows ? Phase.BODY : Phase.HANDLING;
        if (bodyFollows) {
            arm(read);
        } else {
            cancel();
        }
    }

    /** The last byte of the request's body arrived: the handler has it. */
    void bodyComplete() {
        if (phase == Phase.BODY) {
            phase = Phase.HANDLING;
            cancel();
        }
    }

    /** The response is written: the next byte read starts the next request. */
    void responded() {
        phase = Phase.IDLE;
        cancel();
    }

    private void arm(Duration after) {
        cancel();
        timer = ctx.executor().schedule(this::expire, after.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire() {
        timer = null;
        if (phase != Phase.HEAD && phase != Phase.BODY) {
            return;
        }
        String detail = phase == Phase.HEAD
                ? "request head not complete within [" + header.toMillis() + " ms] ([HTTP] HeaderTimeoutSec=)"
                : "no request body byte for [" + read.toMillis() + " ms] ([HTTP] ReadTimeoutSec=)";
        phase = Phase.HANDLING;
        ctx.channel().config().setAutoRead(false);
        byte[] wire = Reply.error(HttpResponseStatus.REQUEST_TIMEOUT, "request timeout", detail).toWire();
        // Written below the codec: the half-decoded request has no response of its own to collide with.
        ctx.writeAndFlush(Unpooled.wrappedBuffer(wire)).addListener(ChannelFutureListener.CLOSE);
    }
}
