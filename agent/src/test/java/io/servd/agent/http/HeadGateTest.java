package io.servd.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Refusals decided on the request head, over a real loopback socket, raw bytes in and out. */
class HeadGateTest {
    private static EventLoops loops;
    private static Server server;

    @BeforeAll
    static void serve() throws Exception {
        loops = EventLoops.start(Transport.detect(NetpollConfig.defaults()).transport(), LoopSizing.defaults(), 1);
        Routes routes = Routes.builder()
                .get("/healthz", r -> Reply.json(HttpResponseStatus.OK, Map.of("status", "ok")))
                .route(HttpMethod.GET, "/v1/units/{unit}", r -> Reply.json(HttpResponseStatus.OK, Map.of("unit", r.param("unit"))))
                .route(HttpMethod.PUT, "/v1/units/{unit}/limits", Routes.Body.JSON,
                        head -> head.http().headers().contains("Authorization") ? Optional.empty()
                                : Optional.of(Reply.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized", "no token")),
                        r -> Reply.json(HttpResponseStatus.OK, Map.of("got", r.http().content().toString(StandardCharsets.UTF_8))))
                .build();
        server = loops.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new HttpApi(routes, HttpLimits.defaults().withAllowedHosts(List.of("servd.lan"))));
    }

    @AfterAll
    static void stop() {
        loops.close();
    }

    @ParameterizedTest(name = "[{index}] {0} | {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # request line                        | headers (\\n-separated)                    | status | fragment
        GET /v1/units/%ZZ.service HTTP/1.1     | Host: localhost                            | 400    | malformed percent-encoding in [/v1/units/%ZZ.service]
        GET /healthz% HTTP/1.1                 | Host: localhost                            | 400    | malformed percent-encoding
        GET /foo%ZZ HTTP/1.1                   | Host: localhost                            | 400    | malformed percent-encoding
        GET /healthz?x=%ZZ HTTP/1.1            | Host: localhost                            | 400    | malformed percent-encoding
        GET /healthz HTTP/9.9                  | Host: localhost                            | 505    | [HTTP/9.9] is not served
        GET /healthz HTTP/1.0                  | Host: localhost                            | 200    | "status":"ok"
        GET /healthz HTTP/1.1                  | Host: localhost\\nAuthorization: a\\nAuthorization: b | 400 | header [authorization] given more than once
        GET /healthz HTTP/1.1                  | Host: localhost\\nHost: localhost          | 400    | header [host] given more than once
        # DNS rebinding: only loopback names, the listen address and AllowedHosts=, with any port
        GET /healthz HTTP/1.1                  | Host: attacker.example                     | 421    | host [attacker.example] is not served here
        GET /healthz HTTP/1.1                  | Host: attacker.example:9470                | 421    | misdirected request
        GET /healthz HTTP/1.1                  | Host: localhost:9470                       | 200    | ok
        GET /healthz HTTP/1.1                  | Host: 127.0.0.1                            | 200    | ok
        GET /healthz HTTP/1.1                  | Host: 127.0.0.1:1                          | 200    | ok
        GET /healthz HTTP/1.1                  | Host: [::1]                                | 200    | ok
        GET /healthz HTTP/1.1                  | Host: [::1]:9470                           | 200    | ok
        GET /healthz HTTP/1.1                  | Host: Servd.LAN:80                         | 200    | ok
        GET /healthz HTTP/1.1                  | X-No-Host: 1                               | 400    | missing [Host] header
        GET /healthz HTTP/1.1                  | Host: local host                           | 400    | malformed [Host] header
        # bodies: decided on the head, the body is never read
        PUT /v1/units/a.service/limits HTTP/1.1 | Host: localhost\\nContent-Length: 65536   | 413    | body exceeds [4096] bytes
        PUT /v1/units/a.service/limits HTTP/1.1 | Host: localhost\\nContent-Length: 4000\\nContent-Type: application/json | 401 | no token
        PUT /v1/units/a.service/limits HTTP/1.1 | Host: localhost\\nAuthorization: x\\nContent-Length: 2\\nContent-Type: text/plain | 415 | expected [application/json]
        GET /healthz HTTP/1.1                  | Host: localhost\\nContent-Length: 3        | 413    | [GET /healthz] takes no body
        GET /healthz HTTP/1.1                  | Host: localhost\\nTransfer-Encoding: gzip  | 400    | transfer coding
        GET /healthz HTTP/1.1                  | Host: localhost\\nExpect: 200-ok           | 417    | unsupported [Expect: 200-ok]
        GET * HTTP/1.1                         | Host: localhost                            | 400    | request target must be a path
        """)
    void refusesOnTheHead(String requestLine, String headers, int status, String fragment) throws IOException {
        String response = exchange(requestLine + "\r\n" + headers.replace("\\n", "\r\n") + "\r\nConnection: close\r\n\r\n");
        assertThat(Integer.parseInt(response.substring(9, 12))).as(response).isEqualTo(status);
        assertThat(response).contains(fragment).containsIgnoringCase("content-type: application/json");
        if (status >= 400) {
            assertThat(response).containsPattern("\\{\"error\":\"[^\"]+\",\"detail\":\"[^\"]*\"}");
        }
    }

    @org.junit.jupiter.api.Test
    void chunkedBodyOverTheCapIs413InTheJsonShapeAndCloses() throws IOException {
        String chunk = Integer.toHexString(HttpApi.MAX_BODY_BYTES + 1) + "\r\n" + "x".repeat(HttpApi.MAX_BODY_BYTES + 1) + "\r\n";
        String response = exchange("PUT /v1/units/a.service/limits HTTP/1.1\r\nHost: localhost\r\nAuthorization: x\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + "0\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 413 ").containsIgnoringCase("connection: close")
                .contains("{\"error\":\"request body too large\",\"detail\":\"body exceeds [4096] bytes\"}");
    }

    @org.junit.jupiter.api.Test
    void aRefusedGetKeepsTheConnectionForTheNextRequest() throws IOException {
        String response = exchange("GET /nope HTTP/1.1\r\nHost: localhost\r\n\r\n"
                + "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 404 ").contains("HTTP/1.1 200 OK");
    }

    /** Writes {@code request}, then reads until the server closes the connection. */
    private static String exchange(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server.localAddress(), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            var out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                }
            } catch (java.net.SocketException e) {
                // reset after the answer: the server closed with unread bytes of ours
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
