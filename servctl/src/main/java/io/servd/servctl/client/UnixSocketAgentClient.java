package io.servd.servctl.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

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
     * @param timeout for the whole exchange: connect, send, and reading the full answer
     */
    public UnixSocketAgentClient(Path socket, Duration timeout) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
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
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
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
            while (out.hasRemaining()) {
                channel.write(out);
            }
            return HttpResponseText.parse(readAll(channel, deadline), describe());
        }
    }

    /** Reads until the agent closes, within the deadline. */
    private byte[] readAll(SocketChannel channel, long deadline) throws IOException {
        channel.configureBlocking(false);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (true) {
                long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMillis <= 0) {
                    throw new IOException("no complete answer from [" + describe() + "] within [" + timeout.toMillis()
                            + " ms]");
                }
                selector.select(leftMillis);
                selector.selectedKeys().clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    return received.toByteArray();
                }
                received.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
        }
    }

    @Override
    public String describe() {
        return "unix:" + socket;
    }
}
