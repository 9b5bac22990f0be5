package io.servd.netpoll;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Test servers and clients shared by the transport-parameterised tests. */
final class Fixtures {
    private Fixtures() {
    }

    /** Every transport this machine offers: the source of {@code @MethodSource("transports")}. */
    static List<Transport> availableTransports() {
        return Transport.all().stream().filter(Transport::isAvailable).toList();
    }

    /** Writes back whatever it reads. */
    static ChannelInitializer<Channel> echo() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                    }
                });
            }
        };
    }

    /** Blocks its event loop on reading (counting {@code blocked} down) until {@code release} opens. */
    static ChannelInitializer<Channel> blockingOnRead(CountDownLatch blocked, CountDownLatch release) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) throws InterruptedException {
                        ReferenceCountUtil.release(msg);
                        blocked.countDown();
                        release.await(10, TimeUnit.SECONDS);
                    }
                });
            }
        };
    }

    /** Sends {@code text} over a plain JDK socket and reads the same number of bytes back. */
    static String exchange(InetSocketAddress address, String text) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address, 5_000);
            s.setSoTimeout(5_000);
            return exchange(s, text);
        }
    }

    static String exchange(Socket s, String text) throws IOException {
        byte[] out = text.getBytes(StandardCharsets.UTF_8);
        OutputStream o = s.getOutputStream();
        o.write(out);
        o.flush();
        return new String(readN(s.getInputStream(), out.length), StandardCharsets.UTF_8);
    }

    /** Polls until the server has no open connection, at most 5 s. */
    static void awaitNoConnections(Server server) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.openConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        if (server.openConnections() > 0) {
            throw new AssertionError(server + " still has [" + server.openConnections() + "] connections");
        }
    }

    static byte[] readN(InputStream in, int n) throws IOException {
        byte[] buf = new byte[n];
        int off = 0;
        while (off < n) {
            int r = in.read(buf, off, n - off);
            if (r < 0) {
                throw new IOException("end of stream after [" + off + "] of [" + n + "] bytes");
            }
            off += r;
        }
        return buf;
    }
}
