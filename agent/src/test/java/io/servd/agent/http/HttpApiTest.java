package io.servd.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.servd.agent.config.HttpLimits;
import io.servd.netpoll.EventLoops;
import io.servd.netpoll.LoopSizing;
import io.servd.netpoll.NetpollConfig;
import io.servd.netpoll.Server;
import io.servd.netpoll.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The HTTP surface over a real loopback socket, raw bytes in and out (no client library smoothing). */
class HttpApiTest {
    private static EventLoops loops;
    private static Server server;

    @BeforeAll
    static void serve() throws Exception {
        loops = EventLoops.start(Transport.detect(NetpollConfig.defaults()).transport(), LoopSizing.defaults(), 1);
        Routes routes = Routes.builder()
                .get("/healthz", r -> Reply.json(HttpResponseStatus.OK, Map.of("status", "ok")))
                .get("/boom", r -> {
                    throw new IllegalStateException("handler bug \"quoted\"");
                })
                .build();
        server = loops.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new HttpApi(routes));
    }

    @AfterAll
    static void stop() {
        loops.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # request line                       | status | body or header fragment
        GET /healthz HTTP/1.1                | 200    | {"status":"ok"}
        # query strings do not change the route
        GET /healthz?verbose=1 HTTP/1.1      | 200    | {"status":"ok"}
        GET /nope HTTP/1.1                   | 404    | {"error":"not found","detail":"no resource at [/nope]"}
        POST /healthz HTTP/1.1               | 405    | Allow: GET, HEAD
        DELETE /healthz HTTP/1.1             | 405    | "detail":"[DELETE] is not allowed on [/healthz]"
        # a handler that throws answers 500 naming the failure, escaped as JSON
        GET /boom HTTP/1.1                   | 500    | "detail":"java.lang.IllegalStateException: handler bug \\"quoted\\""
        """)
    void answers(String requestLine, int status, String fragment) throws IOException {
        String response = exchange(requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(statusOf(response)).isEqualTo(status);
        assertThat(response).contains(fragment);
        assertThat(response).containsIgnoringCase("content-type: application/json")
                .containsIgnoringCase("x-content-type-options: nosniff");
    }

    /** Written below the codec (a connection over the cap, a timed-out request): the same nosniff as every reply. */
    @Test
    void aReplyWrittenBelowTheCodecIsNosniffToo() {
        String wire = new String(Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many connections", "x").toWire(),
                StandardCharsets.ISO_8859_1);
        assertThat(wire).startsWith("HTTP/1.1 503 Service Unavailable\r\n").contains("\r\nX-Content-Type-Options: nosniff\r\n")
                .contains("\r\nContent-Type: application/json\r\n");
    }

    /** When servd binds the socket itself, its accept queue is bounded as servd.socket's Backlog= is. */
    @Test
    void listenerQueuesNoMoreConnectionsThanItServes() {
        var limits = HttpApi.listenerLimits(HttpLimits.defaults().withMaxConnections(47));
        assertThat(limits.backlog()).hasValue(47);
        assertThat(limits.maxConnections()).hasValue(47);
    }

    @Test
    void headHasNoBodyButTheLength() throws IOException {
        String response = exchange("HEAD /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(statusOf(response)).isEqualTo(200);
        assertThat(response).containsIgnoringCase("content-length: 16").doesNotContain("status");
    }

    @Test
    void malformedRequestLineIs400AndCloses() throws IOException {
        String response = exchange("GARBAGE\r\n\r\n");
        assertThat(statusOf(response)).isEqualTo(400);
        assertThat(response).contains("\"error\":\"bad request\"").containsIgnoringCase("connection: close")
                .containsIgnoringCase("x-content-type-options: nosniff");
    }

    @Test
    void oversizedHeadersAre431() throws IOException {
        String big = "X-Big: " + "a".repeat(HttpApi.MAX_HEADER_BYTES + 1) + "\r\n";
        String response = exchange("GET /healthz HTTP/1.1\r\nHost: localhost\r\n" + big + "\r\n");
        assertThat(statusOf(response)).isEqualTo(431);
        assertThat(response).contains("[" + HttpApi.MAX_HEADER_BYTES + "] bytes");
    }

    @Test
    void overlongRequestLineIs414() throws IOException {
        String response = exchange("GET /" + "a".repeat(HttpApi.MAX_INITIAL_LINE_BYTES) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(statusOf(response)).isEqualTo(414);
    }

    @Test
    void oversizedBodyIs413() throws IOException {
        String response = exchange("POST /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: "
                + (HttpApi.MAX_BODY_BYTES + 1) + "\r\n\r\n");
        assertThat(statusOf(response)).isEqualTo(413);
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws IOException {
        String one = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";
        String response = exchange(one + one + "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(response.split("HTTP/1.1 200 OK", -1)).hasSize(4);
    }

    private static int statusOf(String response) {
        assertThat(response).startsWith("HTTP/1.1 ");
        return Integer.parseInt(response.substring(9, 12));
    }

    /** Writes {@code request}, then reads until the server closes the connection. */
    private static String exchange(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server.localAddress(), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            var out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
