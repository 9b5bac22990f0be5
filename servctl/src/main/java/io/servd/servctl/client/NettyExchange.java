package io.servd.servctl.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP/1.1 exchange ({@code Connection: close}) with the agent on Netty's NIO transport: over TCP
 * from Netty's own connect, over the control socket from a channel the JDK connected. NIO and not
 * epoll: for one request per run, loading and linking a native library costs more than it saves, and
 * NIO needs nothing from {@code /tmp}. One event loop thread, a daemon, gone when the exchange is.
 *
 * <p>One deadline bounds the whole exchange, from connecting to the last byte of the answer: past it
 * the channel is closed and the exchange fails with {@link AgentTimeoutException}.
 */
final class NettyExchange {

    private static final ThreadFactory LOOP_THREAD = r -> {
        Thread t = new Thread(r, "servctl-io");
        t.setDaemon(true);
        return t;
    };

    private NettyExchange() {
    }

    /** What reads the answer: its head, then all of it; {@code unbounded}: the rest may take any time (a follower). */
    interface Reader {
        CompletableFuture<?> head();

        CompletableFuture<AgentResponse> result();

        boolean unbounded();
    }

    /** Installs a {@link Reader} on a new connection's pipeline. */
    @FunctionalInterface
    interface ReaderInstaller {
        Reader install(io.netty.channel.ChannelPipeline pipeline, String from);
    }

    /** The whole answer, aggregated ({@link ResponseReader}). */
    static final ReaderInstaller WHOLE = ResponseReader::install;

    /**
     * The request servctl sends: {@code Host}, {@code Accept: application/json}, {@code Connection: close},
     * then {@code extra} headers in order, and for a body (or a PUT/POST without one) its
     * {@code Content-Type}/{@code Content-Length}.
     *
     * @throws IllegalArgumentException when {@code path} is not absolute or holds spaces or controls
     */
    static FullHttpRequest request(String method, String path, Optional<String> body, String host,
                                   Map<String, String> extra) {
        if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            throw new IllegalArgumentException("request path must be absolute, without spaces or controls [" + path + "]");
        }
        byte[] payload = body.map(b -> b.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), path,
                Unpooled.wrappedBuffer(payload));
        // names as RFC 9110 spells them (Netty's constants are lower case; either is HTTP, these read better in a trace)
        request.headers().set("Host", host).set("Accept", "application/json").set("Connection", "close");
        extra.forEach((name, value) -> request.headers().set(name, value));
        if (body.isPresent()) {
            request.headers().set("Content-Type", "application/json");
        }
        if (body.isPresent() || method.equals("PUT") || method.equals("POST")) {
            request.headers().setInt("Content-Length", payload.length);
        }
        return request;
    }

    /**
     * Connects to {@code address} over TCP and exchanges {@code request}.
     *
     * @throws AgentUnreachableException when the connection is refused or the host cannot be reached
     * @throws AgentTimeoutException     when connecting or the answer takes longer than {@code timeout}
     */
    static AgentResponse overTcp(InetSocketAddress address, FullHttpRequest request, Duration timeout, String from)
            throws IOException {
        return overTcp(address, request, timeout, from, WHOLE);
    }

    /** As above, the answer read by what {@code readers} installs. */
    static AgentResponse overTcp(InetSocketAddress address, FullHttpRequest request, Duration timeout, String from,
                                 ReaderInstaller readers) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LOOP_THREAD, NioIoHandler.newFactory());
        try {
            var reader = new CompletableFuture<Reader>();
            ChannelFuture connect = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                    .handler(new io.netty.channel.ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            reader.complete(readers.install(ch.pipeline(), from));
                        }
                    })
                    .connect(address);
            Channel channel;
            try {
                channel = await(connect, deadline).channel();
            } catch (ExecutionException e) {
                request.release();
                if (e.getCause() instanceof ConnectTimeoutException) {
                    throw new AgentTimeoutException("connection to", from, timeout, e.getCause());
                }
                if (e.getCause() instanceof ConnectException || e.getCause() instanceof java.net.UnknownHostException
                        || e.getCause() instanceof java.net.NoRouteToHostException) {
                    throw new AgentUnreachableException(from, e.getCause());
                }
                throw new IOException("connecting to [" + from + "] failed: " + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                request.release();
                connect.cancel(false);
                throw new AgentTimeoutException("connection to", from, timeout, e);
            }
            return exchange(channel, reader.join(), request, deadline, timeout, from);
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Exchanges {@code request} over {@code connected}, a connected AF_UNIX channel, which this takes over.
     *
     * @param deadline {@link System#nanoTime()} by which the answer must be complete
     * @throws AgentTimeoutException when the answer is not complete by {@code deadline}
     */
    static AgentResponse overUnixSocket(SocketChannel connected, FullHttpRequest request, long deadline,
                                        Duration timeout, String from) throws IOException {
        return overUnixSocket(connected, request, deadline, timeout, from, WHOLE);
    }

    /** As above, the answer read by what {@code readers} installs. */
    static AgentResponse overUnixSocket(SocketChannel connected, FullHttpRequest request, long deadline,
                                        Duration timeout, String from, ReaderInstaller readers) throws IOException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LOOP_THREAD, NioIoHandler.newFactory());
        try {
            Channel channel = new NioDomainSocketChannel(connected);
            Reader reader = readers.install(channel.pipeline(), from);
            try {
                await(group.register(channel), deadline);
            } catch (ExecutionException | TimeoutException e) {
                request.release();
                channel.unsafe().closeForcibly();
                throw new IOException("cannot use the connection to [" + from + "]: " + e, e);
            }
            return exchange(channel, reader, request, deadline, timeout, from);
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }

    private static AgentResponse exchange(Channel channel, Reader reader, FullHttpRequest request, long deadline,
                                          Duration timeout, String from) throws IOException {
        channel.writeAndFlush(request).addListener(written -> {
            if (!written.isSuccess()) {
                var failed = new IOException("sending the request to [" + from + "] failed: "
                        + written.cause().getMessage(), written.cause());
                reader.head().completeExceptionally(failed);
                reader.result().completeExceptionally(failed);
            }
        });
        try {
            reader.head().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            // a follower's body has no deadline: its reader bounds the silence between bytes instead
            return reader.unbounded() ? reader.result().get()
                    : reader.result().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AgentTimeoutException("complete answer from", from, timeout, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("exchange with [" + from + "] failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for [" + from + "]", e);
        } finally {
            channel.close();
        }
    }

    /** Waits for {@code future} until {@code deadline} ({@link System#nanoTime()}); its failure as the cause. */
    private static ChannelFuture await(ChannelFuture future, long deadline)
            throws ExecutionException, TimeoutException, IOException {
        try {
            if (!future.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (!future.isSuccess()) {
            throw new ExecutionException(future.cause());
        }
        return future;
    }
}
