package io.servd.netpoll;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How a connection that will not be served is answered and closed: the answer, then a half-close (a
 * FIN after it), then what the peer still sends is discarded until it closes, or until {@link #LINGER}.
 * Closing at once would leave the peer's request unread in the kernel's receive buffer (or let it
 * arrive after the close), and the kernel answers either with a reset, which a client such as Go's
 * net/http reports as {@code connection reset} instead of the answer that was already on the wire
 * (Go's own server half-closes and waits for the same reason, net/http's {@code closeWriteAndWait};
 * nginx calls it lingering close). ServerLimitsTest shows the reset: a write after an immediate
 * close fails with "Broken pipe" on every transport.
 *
 * <p>The caller's handler must release what it reads after the answer (it is the rest of a refused
 * request). A transport without half-close closes after the answer.
 */
public final class Refusal {
    /** How long a refused peer may keep sending (the rest of its request) before it is closed. */
    public static final Duration LINGER = Duration.ofSeconds(2);

    private Refusal() {
    }

    /** Writes {@code answer} (released by the write), half-closes, closes on the peer's close or after {@link #LINGER}. */
    public static void answerAndLinger(ChannelHandlerContext ctx, ByteBuf answer) {
        ctx.writeAndFlush(answer).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess() && f.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
                ctx.executor().schedule(() -> ctx.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                ctx.close();
            }
        });
    }
}
