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
import java.util.List;
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
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), countingEcho(read));
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

                long stable = awaitStable(read);

                assertThat(written.get()).as("writer is blocked").isLessThan(SENT_BYTES);
                assertThat(stable).as("bytes the server read and queued").isLessThan(64L << 20);
                assertThat(stable).as("server did read").isPositive();
            }
        }
    }

    /** Waits until the counter stops moving for 300 ms (at most 10 s), and returns it. */
    private static long awaitStable(AtomicLong counter) throws InterruptedException {
        long last = -1;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            long now = counter.get();
            if (now == last && now > 0) {
                return now;
            }
            last = now;
            Thread.sleep(300);
        }
        return counter.get();
    }

    private static ChannelInitializer<Channel> countingEcho(AtomicLong read) {
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
                });
            }
        };
    }
}
