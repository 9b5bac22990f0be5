package io.servd.netpoll;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ThreadPerTaskExecutor;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The event-loop threads of one process and the servers and clients they serve. Owned by
 * {@code main}, closed once. Methods that bind or connect block until done and must not be called
 * from an event-loop thread.
 *
 * <p>Threads: {@code servd-io-1…N} run the connections, N from {@link LoopSizing#workers(double)}
 * and {@link #resize(double)}; with {@link LoopSizing#acceptors()} {@code > 0},
 * {@code servd-accept-1…} accept new connections.
 */
public final class EventLoops implements AutoCloseable {
    /** Default quiet period of {@link #close()}, as in Netty and reactor-netty. */
    public static final Duration DEFAULT_QUIET_PERIOD = Duration.ofSeconds(2);
    /** Default upper bound of {@link #close()}, as in Netty and reactor-netty. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(15);

    private final Transport transport;
    private final LoopSizing sizing;
    private final ResizableChooser chooser;
    private final MultiThreadIoEventLoopGroup workers;
    private final Optional<MultiThreadIoEventLoopGroup> acceptors;
    private final List<Server> servers = new CopyOnWriteArrayList<>();
    private final Connections clients = new Connections();
    private final IoPasses passes;
    private CompletableFuture<Void> terminated; // guarded by this

    private EventLoops(Transport transport, LoopSizing sizing, int workerCount, int capacity, int acceptorCount) {
        this.transport = transport;
        this.sizing = sizing;
        this.chooser = new ResizableChooser(workerCount);
        this.passes = new IoPasses(transport.newIoHandlerFactory());
        this.workers = new MultiThreadIoEventLoopGroup(capacity,
                new ThreadPerTaskExecutor(new LoopThreadFactory("servd-io")), chooser, passes);
        this.acceptors = acceptorCount == 0 ? Optional.empty()
                : Optional.of(new MultiThreadIoEventLoopGroup(acceptorCount, new LoopThreadFactory("servd-accept"), passes));
    }

    /**
     * Starts the event-loop threads, with no room to grow: see
     * {@link #start(Transport, LoopSizing, double, double)}.
     */
    public static EventLoops start(Transport transport, LoopSizing sizing, double effectiveCpus) {
        return start(transport, sizing, effectiveCpus, effectiveCpus);
    }

    /**
     * Starts the event-loop threads: {@code sizing.workers(effectiveCpus)} loops take connections,
     * and {@link #resize(double)} may later raise that up to {@code sizing.workers(maxCpus)}. Loops
     * beyond the current size have no thread until a resize reaches them.
     *
     * @param transport     an available transport, usually {@link TransportSelection#transport()}
     * @param sizing        the sizing policy
     * @param effectiveCpus CPUs this process may use now (cgroup quota ∧ cpuset ∧ host), fractional, {@code > 0}
     * @param maxCpus       the most CPUs it could ever be given (the host's count), {@code >= effectiveCpus}
     * @throws TransportUnavailableException if {@code transport} is not available
     * @throws IllegalArgumentException      if a CPU count is not positive and finite (named)
     */
    public static EventLoops start(Transport transport, LoopSizing sizing, double effectiveCpus, double maxCpus) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(sizing, "sizing");
        transport.ensureAvailable();
        int workers = sizing.workers(effectiveCpus);
        return new EventLoops(transport, sizing, workers, Math.max(workers, sizing.workers(maxCpus)), sizing.acceptors());
    }

    /**
     * Re-sizes for a changed CPU limit (e.g. {@code systemctl set-property CPUQuota=}), live: new
     * connections are spread over {@code sizing.workers(effectiveCpus)} loops, capped at the
     * capacity given to {@link #start(Transport, LoopSizing, double, double)}. Connections already
     * open stay on their loop until they close; none is dropped.
     *
     * @param effectiveCpus the new effective CPU count, fractional, {@code > 0}
     * @return the number of loops now taking new connections
     * @throws IllegalArgumentException if the count is not positive and finite (named)
     */
    public int resize(double effectiveCpus) {
        return chooser.resize(sizing.workers(effectiveCpus));
    }

    /** The transport all loops use. */
    public Transport transport() {
        return transport;
    }

    /** Number of loops taking new connections (there are {@code servd-io-N} threads for at least these). */
    public int workerCount() {
        return chooser.active();
    }

    /** Most loops {@link #resize(double)} can reach. */
    public int workerCapacity() {
        return chooser.capacity();
    }

    /** Number of dedicated {@code servd-accept-N} threads; 0 when workers accept. */
    public int acceptorCount() {
        return acceptors.map(MultiThreadIoEventLoopGroup::executorCount).orElse(0);
    }

    /** Binds a TCP server without limits; see {@link #bind(InetSocketAddress, ServerLimits, ChannelInitializer)}. */
    public Server bind(InetSocketAddress address, ChannelInitializer<Channel> initializer) throws BindException {
        return bind(address, ServerLimits.none(), initializer);
    }

    /**
     * Binds a TCP server (IPv4 or IPv6; port 0 picks a free port, see {@link Server#localAddress()}).
     *
     * @param initializer sets up each accepted connection's pipeline; must be {@code @Sharable}
     *                    (every {@link ChannelInitializer} is)
     * @throws BindException naming the address in brackets and the OS's reason, e.g.
     *                       {@code cannot bind [127.0.0.1:9470]: Address already in use}
     */
    public Server bind(InetSocketAddress address, ServerLimits limits, ChannelInitializer<Channel> initializer)
            throws BindException {
        Objects.requireNonNull(address, "address");
        return serve(transport::newServerSocketChannel, Optional.of(address), Server.format(address), limits, initializer);
    }

    /**
     * Binds a Unix domain stream server at {@code path}, which must not exist (a stale socket file
     * is the caller's to remove: only it knows the file is ours). The file is removed when the server
     * closes.
     *
     * @throws BindException naming the path and the OS's reason
     */
    public Server bind(Path path, ServerLimits limits, ChannelInitializer<Channel> initializer) throws BindException {
        Objects.requireNonNull(path, "path");
        // Netty's native bind unlinks an existing file first, which would silently steal the socket
        // of a running instance (or delete a regular file); NIO refuses. Refuse on every transport.
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new BindException("cannot bind [" + path + "]: Address already in use");
        }
        return serve(transport::newServerDomainSocketChannel, Optional.of(transport.domainSocketAddress(path)), path.toString(),
                limits, initializer);
    }

    /**
     * Serves an inherited, already listening socket (systemd socket activation: fds from 3).
     *
     * @param fd     the file descriptor, which this server owns from now on
     * @param family whether it is a TCP or a Unix stream socket
     * @throws UnsupportedOperationException naming the transport, unless
     *                                       {@link Transport#supportsFdAdoption(SocketFamily)}
     * @throws BindException                 if the fd cannot be registered (e.g. not a listening socket)
     */
    public Server adopt(int fd, SocketFamily family, ServerLimits limits, ChannelInitializer<Channel> initializer)
            throws BindException {
        Objects.requireNonNull(family, "family");
        if (!transport.supportsFdAdoption(family)) {
            throw new UnsupportedOperationException("transport [" + transport.name() + "] cannot adopt inherited "
                    + family.name().toLowerCase(Locale.ROOT) + " sockets [fd " + fd + "]: use epoll");
        }
        ChannelFactory<ServerChannel> factory = family == SocketFamily.TCP
                ? () -> transport.adoptServerSocketChannel(fd)
                : () -> transport.adoptServerDomainSocketChannel(fd);
        return serve(factory, Optional.empty(), "fd " + fd, limits, initializer); // already bound and listening
    }

    private Server serve(ChannelFactory<ServerChannel> factory, Optional<SocketAddress> address, String display,
                         ServerLimits limits, ChannelInitializer<Channel> initializer) throws BindException {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(initializer, "initializer");
        Connections connections = new Connections();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptors.orElse(workers), workers)
                .channelFactory(factory)
                .childHandler(new ChildInitializer(limits, connections, initializer, passes.handler()));
        limits.backlog().ifPresent(length -> bootstrap.option(ChannelOption.SO_BACKLOG, length)); // listen(2) of a bind only
        ChannelFuture bound = address.map(bootstrap::bind).orElseGet(bootstrap::register).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw Server.bindFailure(display, bound.cause());
        }
        Server server = new Server((ServerChannel) bound.channel(), connections, workers);
        servers.add(server);
        bound.channel().closeFuture().addListener(f -> servers.remove(server));
        return server;
    }

    /**
     * Opens a TCP or Unix stream connection: an {@link InetSocketAddress}, or a
     * {@link UnixDomainSocketAddress} for a socket path.
     *
     * @return completes with the connected channel, or exceptionally with the connect failure
     */
    public CompletableFuture<Channel> connect(SocketAddress remote, ChannelInitializer<Channel> initializer) {
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(initializer, "initializer");
        SocketAddress target = remote instanceof UnixDomainSocketAddress unix
                ? transport.domainSocketAddress(unix.getPath()) : remote;
        ChannelFactory<Channel> factory = remote instanceof UnixDomainSocketAddress
                ? transport::newDomainSocketChannel : transport::newSocketChannel;
        ChannelFuture connected = new Bootstrap().group(workers).channelFactory(factory).handler(initializer).connect(target);
        return Futures.toCompletable(connected).thenApply(v -> {
            clients.tryAdd(connected.channel(), OptionalInt.empty());
            return connected.channel();
        });
    }

    /** The worker loops that have a thread (tests). */
    List<EventExecutor> startedWorkers() {
        return List.copyOf(chooser.started());
    }

    /**
     * Liveness check for the systemd watchdog: runs an empty task on every event loop. A loop
     * answers when it ran the task, or when it completed an I/O pass or a served connection's read
     * after the task was queued ({@link IoPasses}): a loop busy with a long queue or a long pass
     * (thousands of connections under a CPU quota) is progressing, not wedged, though its ping waits
     * behind the queue. Only a loop stuck in one handler or task (neither runs the ping nor makes
     * progress) fails it.
     *
     * @param timeout how long every loop may take to run the task or complete a pass
     * @return completes when every loop answered; exceptionally with a
     *         {@link java.util.concurrent.TimeoutException} naming the loops that made no progress
     *         within {@code timeout} (a blocked loop), or with a {@link RejectedExecutionException}
     *         once shut down
     */
    public CompletableFuture<Void> ping(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        List<EventExecutor> loops = new ArrayList<>(chooser.started()); // a loop never used has no thread to ping
        acceptors.ifPresent(g -> g.forEach(loops::add));
        List<CompletableFuture<Void>> answers = new ArrayList<>();
        for (EventExecutor loop : loops) {
            CompletableFuture<Void> answered = new CompletableFuture<>();
            passes.afterNextPass(loop, answered);
            try {
                loop.submit(() -> answered.complete(null));
            } catch (RejectedExecutionException e) {
                answers.forEach(a -> a.cancel(false)); // forgotten by the loops that still run
                answered.cancel(false);
                return CompletableFuture.failedFuture(e);
            }
            answers.add(answered);
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .exceptionallyCompose(e -> {
                    List<EventExecutor> stuck = new ArrayList<>();
                    for (int i = 0; i < loops.size(); i++) {
                        if (answers.get(i).cancel(false)) { // not answered: forgotten by its loop's passes
                            stuck.add(loops.get(i));
                        }
                    }
                    return CompletableFuture.failedFuture(new java.util.concurrent.TimeoutException("event loop(s) "
                            + stuck + " neither ran a task nor completed an I/O pass or a read within the ping's timeout"));
                });
    }

    /** Servers bound or adopted and still accepting, in bind order. */
    public List<Server> servers() {
        return List.copyOf(servers);
    }

    /**
     * Stops every server from accepting, then shuts the loops down: Netty closes the connections
     * still registered, runs the tasks already queued, and waits until no task has been submitted
     * for {@code quiet}, or at most {@code timeout}. Drain servers first ({@link Server#drain}) to
     * let in-flight work finish.
     *
     * <p>The quiet period applies only while connections are open: with none (idle, or drained),
     * the loops stop at once, so an idle process exits in milliseconds rather than {@code quiet}.
     * Idempotent: later calls return the first call's future.
     *
     * @return completes when every event-loop thread has terminated
     * @throws IllegalArgumentException if a duration is negative or {@code timeout < quiet}
     */
    public synchronized CompletableFuture<Void> shutdownGracefully(Duration quiet, Duration timeout) {
        Objects.requireNonNull(quiet, "quiet");
        Objects.requireNonNull(timeout, "timeout");
        if (quiet.isNegative() || timeout.compareTo(quiet) < 0) {
            throw new IllegalArgumentException("shutdown needs 0 <= quiet <= timeout, got quiet [" + quiet
                    + "] timeout [" + timeout + "]");
        }
        if (terminated != null) {
            return terminated;
        }
        servers.forEach(Server::stopAccepting);
        boolean idle = clients.count() == 0 && servers.stream().allMatch(s -> s.openConnections() == 0);
        long quietNanos = idle ? 0 : quiet.toNanos();
        CompletableFuture<?> w = shutdown(workers, quietNanos, timeout);
        CompletableFuture<?> a = acceptors.map(g -> shutdown(g, 0, timeout)).orElse(CompletableFuture.completedFuture(null));
        terminated = CompletableFuture.allOf(w, a);
        return terminated;
    }

    private static CompletableFuture<?> shutdown(EventLoopGroup group, long quietNanos, Duration timeout) {
        return Futures.toCompletable(group.shutdownGracefully(quietNanos, timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /**
     * {@link #shutdownGracefully} with {@link #DEFAULT_QUIET_PERIOD} and
     * {@link #DEFAULT_SHUTDOWN_TIMEOUT}, waiting for it.
     */
    @Override
    public void close() {
        shutdownGracefully(DEFAULT_QUIET_PERIOD, DEFAULT_SHUTDOWN_TIMEOUT).join();
    }

    @Override
    public String toString() {
        return "event loops [" + transport.name() + " x" + workerCount() + "]";
    }
}
