package io.servd.netpoll;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.util.ReferenceCountUtil;
import io.servd.testsupport.CiAssumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Test servers and clients shared by the transport-parameterised tests. */
public final class Fixtures {
    private Fixtures() {
    }

    /** On Linux x86-64 netpoll ships these natively or needs nothing: under CI they must be available. */
    private static final List<String> REQUIRED_ON_LINUX_X86_64 = List.of("epoll", "nio");
    /** Test classes whose transports were printed already. */
    private static final Set<Class<?>> REPORTED = ConcurrentHashMap.newKeySet();

    /**
     * Every transport this machine offers: the source of {@code @MethodSource("transports")}. Prints
     * (once per test class, into its surefire output) which transports the class runs on and why the
     * others are left out. Under CI ({@code CI=true}) on Linux x86-64 an unavailable epoll or NIO fails
     * the class instead of shrinking it; io_uring may be off in the kernel, kqueue is for BSD and macOS.
     */
    static List<Transport> availableTransports(Class<?> testClass) {
        List<Transport> available = Transport.all().stream().filter(Transport::isAvailable).toList();
        List<Transport> unavailable = Transport.all().stream().filter(t -> !t.isAvailable()).toList();
        if (REPORTED.add(testClass)) {
            System.out.println(testClass.getSimpleName() + " runs on transports " + available.stream().map(Transport::name)
                    .toList() + "; unavailable: " + unavailable.stream().map(t -> t.name() + " (" + cause(t) + ")").toList());
        }
        if (CiAssumptions.ci() && "Linux".equals(System.getProperty("os.name"))
                && "amd64".equals(System.getProperty("os.arch"))) {
            for (Transport t : unavailable) {
                if (REQUIRED_ON_LINUX_X86_64.contains(t.name())) {
                    throw new AssertionError("CI=true: transport [" + t.name() + "] must be available on Linux x86-64 but is not: "
                            + cause(t), t.unavailabilityCause().orElseThrow());
                }
            }
        }
        return available;
    }

    /** The first line of the innermost cause (Netty wraps it, e.g. in an ExceptionInInitializerError). */
    private static String cause(Transport unavailable) {
        Throwable cause = unavailable.unavailabilityCause().orElseThrow();
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.toString().lines().findFirst().orElse("");
    }

    /** Writes back whatever it reads (also daemon's loop tests, through this module's test-jar). */
    public static ChannelInitializer<Channel> echo() {
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

    /** Releases each read and runs {@code action} on the event loop that read it. */
    static ChannelInitializer<Channel> onEachRead(java.util.function.Consumer<ChannelHandlerContext> action) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                        action.accept(ctx);
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

    /**
     * The connections an application initializer set up, as events to wait on. The server counts a
     * connection ({@link Server#openConnections()}) before the application's initializer runs and
     * uncounts it in a close listener added before ours, so each event here follows the server's own
     * bookkeeping.
     */
    static final class Accepted {
        private final ChannelInitializer<Channel> application;
        private final List<Channel> channels = new CopyOnWriteArrayList<>();
        private final List<CompletableFuture<Void>> closed = new CopyOnWriteArrayList<>();
        private final Semaphore setUp = new Semaphore(0);

        Accepted(ChannelInitializer<Channel> application) {
            this.application = application;
        }

        /** What to bind the server with. */
        ChannelInitializer<Channel> initializer() {
            return new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    CompletableFuture<Void> close = new CompletableFuture<>();
                    ch.closeFuture().addListener(f -> close.complete(null));
                    closed.add(close);
                    channels.add(ch);
                    ch.pipeline().addLast(application);
                    setUp.release();
                }
            };
        }

        /** Waits (at most 5 s) until {@code count} connections were set up, then returns the last of them. */
        Channel await(int count) throws InterruptedException {
            if (!setUp.tryAcquire(count, 5, TimeUnit.SECONDS)) {
                throw new AssertionError("[" + channels.size() + "] connections set up, not [" + count + "]");
            }
            setUp.release(count);
            return channels.get(count - 1);
        }

        /** Waits (at most 5 s) until every connection set up so far has closed; then the server counts none. */
        void awaitNoConnections(Server server) throws InterruptedException, ExecutionException {
            try {
                CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                // reported below, as the server sees it
            }
            if (server.openConnections() > 0) {
                throw new AssertionError(server + " still has [" + server.openConnections() + "] connections");
            }
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
