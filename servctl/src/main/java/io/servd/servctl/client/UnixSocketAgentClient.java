package io.servd.servctl.client;

import io.netty.handler.codec.http.FullHttpRequest;
import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Talks to the agent's control socket ({@code /run/servd/control.sock}) with one HTTP/1.1 exchange per
 * connection ({@code Connection: close}).
 *
 * <p>The JDK (16+) connects the AF_UNIX stream socket ({@link UnixDomainSocketAddress}), blocking, so
 * that a full listen backlog (a stopped or wedged agent) waits for the timeout as over TCP: a
 * non-blocking connect, which Netty's channels make, fails at once with EAGAIN there. Netty then
 * speaks HTTP over that channel ({@link NettyExchange}, {@link ResponseReader}). A client needs no
 * peer credentials (the agent reads ours with SO_PEERCRED), so no native transport is needed.
 */
public final class UnixSocketAgentClient implements AgentClient {

    private final Path socket;
    private final Duration timeout;

    /**
     * @param socket  the control socket's path
     * @param timeout for the whole exchange: connect, send, and reading the full answer; past it the
     *                exchange fails with {@link AgentTimeoutException}
     */
    public UnixSocketAgentClient(Path socket, Duration timeout) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public AgentResponse send(String method, String path, Optional<String> body) throws IOException {
        return exchange(NettyExchange.request(method, path, body, "localhost", Map.of()), NettyExchange.WHOLE);
    }

    @Override
    public AgentResponse stream(String path, String accept, boolean follow, java.util.function.Consumer<String> lines)
            throws IOException {
        return exchange(NettyExchange.request("GET", path, Optional.empty(), "localhost", Map.of("Accept", accept)),
                (pipeline, from) -> LineReader.install(pipeline, from, lines,
                        follow ? Optional.of(FOLLOW_SILENCE) : Optional.empty()));
    }

    private AgentResponse exchange(FullHttpRequest request, NettyExchange.ReaderInstaller readers) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel channel;
        try {
            channel = connect();
        } catch (IOException e) {
            request.release();
            throw e;
        }
        return NettyExchange.overUnixSocket(channel, request, deadline, timeout, describe(), readers);
    }

    /** A blocking connect, bounded by {@link #timeout}: the agent's listen backlog may be full. */
    @SuppressWarnings("try") // the Deadline acts by being open, it is never referenced
    private SocketChannel connect() throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try (Deadline deadline = new Deadline(channel, timeout)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return channel;
        } catch (AsynchronousCloseException e) {
            // connect(2) blocks while the listen backlog is full: the agent is stopped or wedged
            throw new AgentTimeoutException("connection to", describe(), timeout, e);
        } catch (SocketException e) {
            channel.close();
            // connect(2) needs write permission on the socket file: EACCES there is a refusal, not absence.
            if (Files.exists(socket) && !Files.isWritable(socket)) {
                throw new AgentAccessDeniedException(socket, e);
            }
            // ENOENT (no agent), ECONNREFUSED (stale socket), EACCES (a directory on the way not ours)
            throw new AgentUnreachableException(describe(), e);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Closes the channel when the timeout has passed. A blocking connect then fails at once with
     * {@link AsynchronousCloseException}, with no selector and no polling.
     */
    private static final class Deadline implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "servctl-deadline");
            t.setDaemon(true);
            return t;
        });

        Deadline(SocketChannel channel, Duration timeout) {
            timer.schedule(() -> {
                try {
                    channel.close();
                } catch (IOException e) {
                    // closing is all we can do; the blocked call fails either way
                }
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    @Override
    public String describe() {
        return "unix:" + socket;
    }
}
