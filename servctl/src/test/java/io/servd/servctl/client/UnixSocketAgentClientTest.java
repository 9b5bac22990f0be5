package io.servd.servctl.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control-socket client against a real AF_UNIX listener in a temp dir. */
class UnixSocketAgentClientTest {

    @TempDir
    Path tmp;

    /** Accepts one connection, reads the request head (and a body of {@code bodyBytes}), answers {@code answer}. */
    private CompletableFuture<String> serveOnce(ServerSocketChannel server, String answer, int bodyBytes) {
        return CompletableFuture.supplyAsync(() -> {
            try (SocketChannel c = server.accept()) {
                ByteArrayOutputStream in = new ByteArrayOutputStream();
                ByteBuffer b = ByteBuffer.allocate(4096);
                while (true) {
                    String text = in.toString(StandardCharsets.UTF_8);
                    int end = text.indexOf("\r\n\r\n");
                    if (end >= 0 && in.size() >= end + 4 + bodyBytes) {
                        break;
                    }
                    if (c.read(b) < 0) {
                        break;
                    }
                    in.write(b.array(), 0, b.position());
                    b.clear();
                }
                c.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
                return in.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    private ServerSocketChannel listen(Path socket) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return server;
    }

    @Test
    void sendsAMinimalHttp11RequestAndReadsAContentLengthAnswer() throws Exception {
        Path socket = tmp.resolve("control.sock");
        try (ServerSocketChannel server = listen(socket)) {
            var request = serveOnce(server, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n"
                    + "{\"status\":\"ok\"}", 0);
            AgentResponse r = new UnixSocketAgentClient(socket, Duration.ofSeconds(5)).send("GET", "/healthz", Optional.empty());
            assertThat(r).isEqualTo(new AgentResponse(200, "{\"status\":\"ok\"}"));
            assertThat(request.get(5, TimeUnit.SECONDS)).isEqualTo(
                    "GET /healthz HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\nConnection: close\r\n\r\n");
        }
    }

    @Test
    void sendsABodyAndReadsAChunkedAnswer() throws Exception {
        Path socket = tmp.resolve("control.sock");
        String body = "{\"MemoryMax\":\"64M\"}";
        try (ServerSocketChannel server = listen(socket)) {
            var request = serveOnce(server, "HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\n{\"err\r\n6;x=y\r\nor\":1}\r\n0\r\n\r\n", body.length());
            AgentResponse r = new UnixSocketAgentClient(socket, Duration.ofSeconds(5))
                    .send("PUT", "/v1/units/a.service/limits", Optional.of(body));
            assertThat(r).isEqualTo(new AgentResponse(403, "{\"error\":1}"));
            assertThat(request.get(5, TimeUnit.SECONDS)).startsWith("PUT /v1/units/a.service/limits HTTP/1.1\r\n")
                    .contains("Content-Type: application/json\r\n", "Content-Length: " + body.length() + "\r\n")
                    .endsWith("\r\n\r\n" + body);
        }
    }

    @Test
    void noSocketIsUnreachable() {
        Path socket = tmp.resolve("absent.sock");
        assertThatThrownBy(() -> new UnixSocketAgentClient(socket, Duration.ofSeconds(1)).send("GET", "/v1/self", Optional.empty()))
                .isInstanceOf(AgentUnreachableException.class)
                .hasMessageStartingWith("servd agent unreachable at [unix:" + socket + "]");
    }

    @Test
    @SuppressWarnings("try") // the listener only has to exist
    void anAgentThatNeverAnswersTimesOut() throws Exception {
        Path socket = tmp.resolve("silent.sock");
        try (ServerSocketChannel ignored = listen(socket)) { // listens, never accepts
            var client = new UnixSocketAgentClient(socket, Duration.ofMillis(300));
            assertThatThrownBy(() -> client.send("GET", "/v1/self", Optional.empty()))
                    .isInstanceOf(IOException.class)
                    .hasMessage("no complete answer from [unix:" + socket + "] within [300 ms]");
        }
    }

    @Test
    void anAgentThatAcceptsAndReadsButNeverAnswersTimesOut() throws Exception {
        Path socket = tmp.resolve("silent.sock");
        try (ServerSocketChannel server = listen(socket)) {
            CompletableFuture<SocketChannel> held = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            var client = new UnixSocketAgentClient(socket, Duration.ofMillis(300));
            assertThatThrownBy(() -> client.send("GET", "/v1/self", Optional.empty()))
                    .isInstanceOf(AgentTimeoutException.class)
                    .hasMessage("no complete answer from [unix:" + socket + "] within [300 ms]");
            held.get(5, TimeUnit.SECONDS).close();
        }
    }

    /** connect(2) blocks while the listen backlog is full (a stopped agent): the deadline covers it too. */
    @Test
    void aFullBacklogTimesOutTheConnect() throws Exception {
        Path socket = tmp.resolve("full.sock");
        List<SocketChannel> queued = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket), 1); // never accepts
            // fill the backlog: a non-blocking connect fails (EAGAIN) once it is full
            for (int i = 0; i < 16; i++) {
                SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                c.configureBlocking(false);
                try {
                    c.connect(UnixDomainSocketAddress.of(socket));
                    queued.add(c);
                } catch (IOException full) {
                    c.close();
                    break;
                }
            }
            var client = new UnixSocketAgentClient(socket, Duration.ofMillis(300));
            assertThatThrownBy(() -> client.send("GET", "/v1/self", Optional.empty()))
                    .isInstanceOf(AgentTimeoutException.class)
                    .hasMessage("no connection to [unix:" + socket + "] within [300 ms]");
        } finally {
            for (SocketChannel c : queued) {
                c.close();
            }
        }
    }

    @Test
    void anAnswerOverTheCapIsRefusedAfterReadingTheCap() throws Exception {
        Path socket = tmp.resolve("control.sock");
        try (ServerSocketChannel server = listen(socket)) {
            CompletableFuture<Long> written = CompletableFuture.supplyAsync(() -> {
                long n = 0;
                try (SocketChannel c = server.accept()) {
                    c.write(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 50000000\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII)));
                    ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
                    while (n < 50_000_000) {
                        n += c.write(chunk.clear());
                    }
                } catch (IOException clientGaveUp) {
                    // expected: servctl closes at the cap
                }
                return n;
            });
            var client = new UnixSocketAgentClient(socket, Duration.ofSeconds(20));
            assertThatThrownBy(() -> client.send("GET", "/v1/units", Optional.empty()))
                    .isInstanceOf(ReplyTooLargeException.class)
                    .hasMessage("answer from [unix:" + socket + "] exceeds servctl's cap of [4194304] bytes (4 MiB);"
                            + " stopped reading there");
            assertThat(written.get(20, TimeUnit.SECONDS)).as("body bytes the agent got out").isLessThan(50_000_000L);
        }
    }
}
