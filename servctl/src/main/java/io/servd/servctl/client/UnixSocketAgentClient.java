package io.servd.servctl.client;

import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Talks to the agent's control socket ({@code /run/servd/control.sock}) with one HTTP/1.1 exchange per
 * connection ({@code Connection: close}).
 *
 * <p>Why no library: the JDK (16+) connects AF_UNIX stream sockets itself ({@link UnixDomainSocketAddress}),
 * and {@code java.net.http} cannot use them. A client needs no peer credentials (the agent reads ours
 * with SO_PEERCRED), so jnr-unixsocket would add a native layer for nothing; the request is four header
 * lines and the answer is parsed by {@link HttpResponseText}.
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
    @SuppressWarnings("try") // the Deadline acts by being open, it is never referenced
    public AgentResponse send(String method, String path, Optional<String> body) throws IOException {
        if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            throw new IllegalArgumentException("request path must be absolute, without spaces or controls [" + path + "]");
        }
        byte[] payload = body.map(b -> b.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: localhost\r\n")
                .append("Accept: application/json\r\n")
                .append("Connection: close\r\n");
        if (body.isPresent()) {
            head.append("Content-Type: application/json\r\n");
        }
        if (body.isPresent() || method.equals("PUT") || method.equals("POST")) {
            head.append("Content-Length: ").append(payload.length).append("\r\n");
        }
        head.append("\r\n");
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
             Deadline deadline = new Deadline(channel, timeout)) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (AsynchronousCloseException e) {
                // connect(2) blocks while the listen backlog is full: the agent is stopped or wedged
                throw new AgentTimeoutException("connection to", describe(), timeout, e);
            } catch (SocketException e) {
                // connect(2) needs write permission on the socket file: EACCES there is a refusal, not absence.
                if (Files.exists(socket) && !Files.isWritable(socket)) {
                    throw new AgentAccessDeniedException(socket, e);
                }
                // ENOENT (no agent), ECONNREFUSED (stale socket), EACCES (a directory on the way not ours)
                throw new AgentUnreachableException(describe(), e);
            }
            ByteBuffer out = ByteBuffer.allocate(head.length() * 3 + payload.length);
            out.put(head.toString().getBytes(StandardCharsets.UTF_8)).put(payload).flip();
            try {
                while (out.hasRemaining()) {
                    channel.write(out);
                }
                return HttpResponseText.parse(readAll(channel), describe());
            } catch (AsynchronousCloseException e) {
                throw new AgentTimeoutException("complete answer from", describe(), timeout, e);
            }
        }
    }

    /** Reads until the agent closes, at most {@link #MAX_REPLY_BYTES}; the deadline closes the channel. */
    private byte[] readAll(SocketChannel channel) throws IOException {
        ReplyBuffer received = new ReplyBuffer(describe());
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (channel.read(buffer) >= 0) {
            received.append(buffer.flip());
            buffer.clear();
        }
        return received.toByteArray();
    }

    /**
     * Closes the channel when the timeout has passed. A blocking connect, write or read then fails at
     * once with {@link AsynchronousCloseException}: one bound for the whole exchange, whichever step
     * the agent stalls in, with no selector and no polling.
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
