package io.servd.netpoll;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A peer that sends and never reads: with backpressure the echo server stops reading once its
 * output to that peer backs up, so what it has read stays near the socket buffers' size instead of
 * everything that was sent.
 */
class BackpressureTest {
    private static final long SENT_BYTES = 256L << 20;

    static List<Transport> transports() {
        return Fixtures.availableTransports(BackpressureTest.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void slowReaderStallsItselfNotTheServer(Transport transport) throws Exception {
        AtomicLong read = new AtomicLong();
        CompletableFuture<Boolean> backedUp = new CompletableFuture<>();
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), countingEcho(read, backedUp));
            AtomicLong written = new AtomicLong();
            try (Socket s = new Socket()) {
                s.connect(server.localAddress(), 5_000);
                Thread writer = new Thread(() -> {
                    byte[] chunk = new byte[64 << 10];
                    try {
                        OutputStream out = s.getOutputStream();
                        while (written.get() < SENT_BYTES) {
                            out.write(chunk);
                            written.addAndGet(chunk.length);
                        }
                    } catch (Exception expected) {
                        // the socket is closed when the test ends
                    }
                }, "slow-reader-writer");
                writer.setDaemon(true);
                writer.start();

                assertThat(backedUp.get(10, TimeUnit.SECONDS)).as("still reading once the output backed up").isFalse();
                // That the server then reads no more has no event to wait on; the writer finishing would
                // be the failure (everything sent was read), so give it a moment to.
                writer.join(Duration.ofSeconds(1).toMillis());
                long stable = read.get();

                assertThat(writer.isAlive()).as("writer is blocked").isTrue();
                assertThat(written.get()).as("writer is blocked").isLessThan(SENT_BYTES);
                assertThat(stable).as("bytes the server read and queued").isLessThan(64L << 20);
                assertThat(stable).as("server did read").isPositive();
            }
        }
    }

    /**
     * Echo counting what it read; completes {@code backedUp} with the channel's auto-read setting
     * once its output backed up, after the read loop during which that happened.
     */
    private static ChannelInitializer<Channel> countingEcho(AtomicLong read, CompletableFuture<Boolean> backedUp) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        read.addAndGet(((ByteBuf) msg).readableBytes());
                        ctx.write(msg);
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                        ctx.flush();
                    }

                    @Override
                    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                        if (!ctx.channel().isWritable()) { // netpoll's Backpressure, ahead of us, has seen it
                            boolean autoRead = ctx.channel().config().isAutoRead();
                            ctx.executor().execute(() -> backedUp.complete(autoRead));
                        }
                        ctx.fireChannelWritabilityChanged();
                    }
                });
            }
        };
    }
}
