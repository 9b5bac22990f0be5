package io.servd.netpoll;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.ServerChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.EventExecutorGroup;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A listening socket served by {@link EventLoops}, bound with {@code bind} or adopted from an
 * inherited fd, and the connections it accepted. Thread-safe.
 */
public final class Server implements AutoCloseable {
    private final ServerChannel channel;
    private final Connections connections;
    private final EventExecutorGroup timer;
    private final SocketAddress localAddress;

    Server(ServerChannel channel, Connections connections, EventExecutorGroup timer) {
        this.channel = channel;
        this.connections = connections;
        this.timer = timer;
        this.localAddress = toJdk(channel.localAddress());
    }

    /**
     * Where this server listens: an {@link InetSocketAddress} (with the actual port when bound to
     * port 0) or a {@link UnixDomainSocketAddress}.
     */
    public SocketAddress localAddress() {
        return localAddress;
    }

    /** The loop that accepts this server's connections (tests hold it to fill the accept queue). */
    EventLoop acceptLoop() {
        return channel.eventLoop();
    }

    /** Whether the listening socket is still open. */
    public boolean isAccepting() {
        return channel.isOpen();
    }

    /** Connections accepted and not yet closed (refused ones are never counted). */
    public int openConnections() {
        return connections.count();
    }

    /** Connections refused because {@link ServerLimits#maxConnections()} were open, since start. */
    public long refusedConnections() {
        return connections.refused();
    }

    /**
     * Closes the listening socket; open connections are left alone. Idempotent.
     *
     * @return completes when the socket is closed
     */
    public CompletableFuture<Void> stopAccepting() {
        return Futures.toCompletable(channel.close()).thenApply(v -> null);
    }

    /**
     * How long a connection that has sent nothing yet gets to send its first request once a drain
     * began, as Go's {@code http.Server.Shutdown} allows a connection in {@code StateNew}.
     */
    public static final Duration NEW_CONNECTION_GRACE = Duration.ofSeconds(5);

    /**
     * {@link #drain(Duration, Duration)} with {@link #NEW_CONNECTION_GRACE} (at most {@code deadline}).
     */
    public CompletableFuture<DrainResult> drain(Duration deadline) {
        Objects.requireNonNull(deadline, "deadline");
        return drain(deadline, deadline.compareTo(NEW_CONNECTION_GRACE) < 0 ? deadline : NEW_CONNECTION_GRACE);
    }

    /**
     * Drains: stops accepting, fires {@link Draining#REQUESTED} on every open connection so its
     * protocol handler closes it once idle, and at {@code deadline} closes whatever is still open.
     * A connection that has not sent anything yet (accepted just before, or still in the accept
     * backlog when the drain began: its request is on the way) gets {@link Draining#REQUESTED} after
     * its first read has been handled, or after {@code newConnectionGrace} if nothing arrives.
     *
     * @param deadline how long in-flight work may take, from now; zero closes everything at once
     * @param newConnectionGrace how long a silent new connection may take to send its first bytes
     * @return completes, never exceptionally, when no connection is open, with the number closed by
     *         the deadline rather than by their handlers
     */
    public CompletableFuture<DrainResult> drain(Duration deadline, Duration newConnectionGrace) {
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(newConnectionGrace, "newConnectionGrace");
        if (deadline.isNegative() || newConnectionGrace.isNegative()) {
            throw new IllegalArgumentException("negative drain deadline [" + deadline + "] or grace ["
                    + newConnectionGrace + "]");
        }
        long started = System.nanoTime();
        int atStart = connections.count();
        CompletableFuture<Integer> forced = new CompletableFuture<>();
        stopAccepting().whenComplete((v, e) -> {
            for (Channel c : connections.snapshot()) {
                if (c.pipeline().get(DrainOnFirstRead.NAME) instanceof DrainOnFirstRead first) {
                    first.requestDrain(newConnectionGrace);
                } else {
                    c.pipeline().fireUserEventTriggered(Draining.REQUESTED);
                }
            }
            var timeout = timer.schedule(() -> {
                List<Channel> left = connections.snapshot();
                left.forEach(Channel::close);
                forced.complete(left.size());
            }, deadline.toNanos(), TimeUnit.NANOSECONDS);
            connections.whenEmpty().thenRun(() -> {
                if (timeout.cancel(false)) {
                    forced.complete(0);
                }
            });
        });
        return forced.thenCompose(n -> connections.whenEmpty().thenApply(
                v -> new DrainResult(atStart, n, Duration.ofNanos(System.nanoTime() - started))));
    }

    /** Stops accepting and closes every open connection now; waits for neither. */
    @Override
    public void close() {
        channel.close();
        connections.snapshot().forEach(Channel::close);
    }

    @Override
    public String toString() {
        return "server [" + format(localAddress) + "]";
    }

    /** The failure to bind or register a listener, naming it: {@code cannot bind [addr]: <OS reason>}. */
    static BindException bindFailure(String display, Throwable cause) {
        // epoll: "bind(..) failed with error(-98): Address already in use"; NIO: "Address already in use"
        String reason = Transport.describe(cause);
        int colon = reason.lastIndexOf(": ");
        BindException e = new BindException("cannot bind [" + display + "]: "
                + (colon >= 0 ? reason.substring(colon + 2) : reason));
        e.initCause(cause);
        return e;
    }

    /** Converts Netty's Unix address type so that no Netty type leaks through {@link #localAddress()}. */
    static SocketAddress toJdk(SocketAddress address) {
        if (address instanceof DomainSocketAddress d) {
            return UnixDomainSocketAddress.of(d.path());
        }
        return address;
    }

    /** {@code 127.0.0.1:80}, {@code [::1]:80} or the socket path: no leading slash, no lookup. */
    static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            return (host.contains(":") ? "[" + compressIpv6(host) + "]" : host) + ":" + inet.getPort();
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            return unix.getPath().toString();
        }
        if (address instanceof DomainSocketAddress d) {
            return d.path();
        }
        return String.valueOf(address);
    }

    /** RFC 5952 short form of the JDK's full IPv6 text: {@code 0:0:0:0:0:0:0:1} → {@code ::1}. */
    static String compressIpv6(String full) {
        int percent = full.indexOf('%');
        String scope = percent < 0 ? "" : full.substring(percent);
        String[] groups = (percent < 0 ? full : full.substring(0, percent)).split(":");
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not compressed
        for (int i = 0; i < groups.length; ) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(j, i + 1);
        }
        if (bestStart < 0) {
            return String.join(":", groups) + scope;
        }
        String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail + scope;
    }
}
