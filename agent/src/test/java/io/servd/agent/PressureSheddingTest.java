package io.servd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.servd.agent.config.HttpLimits;
import io.servd.agent.config.PressureSettings;
import io.servd.agent.http.HttpApi;
import io.servd.agent.http.Reply;
import io.servd.agent.http.Routes;
import io.servd.daemon.lifecycle.State;
import io.servd.daemon.pressure.LoadShedder;
import io.servd.daemon.pressure.PressureOptions;
import io.servd.daemon.pressure.ShedderFixture;
import io.servd.netpoll.EventLoops;
import io.servd.netpoll.LoopSizing;
import io.servd.netpoll.NetpollConfig;
import io.servd.netpoll.Server;
import io.servd.netpoll.Transport;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's HTTP pipeline with the library's shedder in front, over real loopback sockets. */
class PressureSheddingTest {
    private final LoadShedder shedder = LoadShedder.create(Pressure.options(PressureSettings.defaults()));
    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private final CompletableFuture<Reply> slowAnswer = new CompletableFuture<>();
    private EventLoops loops;
    private Server server;

    @BeforeEach
    void serve() throws Exception {
        loops = EventLoops.start(Transport.detect(NetpollConfig.defaults()).transport(), LoopSizing.defaults(), 1);
        Routes routes = Routes.builder()
                .get("/v1/self", r -> Reply.json(HttpResponseStatus.OK, Map.of("self", "ok")))
                .get("/readyz", r -> Pressure.readiness(State.READY, shedder.status()))
                .routeAsync(HttpMethod.GET, "/slow", Routes.Body.NONE, Routes.HeadCheck.OPEN, r -> {
                    slowStarted.countDown();
                    return slowAnswer;
                })
                .build();
        server = loops.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new HttpApi(routes, HttpLimits.defaults(), shedder));
    }

    @AfterEach
    void stop() {
        loops.close();
    }

    private Socket send(String path) throws Exception {
        Socket s = new Socket();
        s.connect(server.localAddress(), 5_000);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    /** Everything until the server closes the connection. */
    private static String readToEnd(Socket s) throws Exception {
        var all = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.US_ASCII);
    }

    private String get(String path) throws Exception {
        try (Socket s = send(path)) {
            s.shutdownOutput(); // one request: the server closes after its answer
            return readToEnd(s);
        }
    }

    @Test
    void anInFlightRequestFinishesWhileNewRequestsGet503WithRetryAfter() throws Exception {
        try (Socket inFlight = send("/slow")) {
            assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();

            ShedderFixture.squeeze(shedder);
            String refused = get("/v1/self");
            slowAnswer.complete(Reply.json(HttpResponseStatus.OK, Map.of("slow", "done")));
            String finished = readToEnd(inFlight);

            assertThat(refused).startsWith("HTTP/1.1 503 Service Unavailable\r\n").contains("\r\nRetry-After: 5\r\n")
                    .endsWith("{\"error\":\"overloaded\",\"detail\":\"shedding load under memory pressure: retry after [5] s\"}\n");
            assertThat(finished).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("connection: close")
                    .endsWith("{\"slow\":\"done\"}\n");
        }
    }

    @Test
    void readyzSaysDegradedWhileSheddingAndReadyOnceTheLimitGrowsBack() throws Exception {
        assertThat(get("/readyz")).startsWith("HTTP/1.1 200 OK").endsWith("{\"status\":\"ready\"}\n");

        ShedderFixture.squeeze(shedder);
        String degraded = get("/readyz"); // exempt from shedding: answered by the route, not the fixed 503

        assertThat(degraded).startsWith("HTTP/1.1 503 Service Unavailable")
                .contains("\"error\":\"degraded\"", "shedding load: memory.current [")
                .doesNotContain("Retry-After");

        ShedderFixture.release(shedder);

        assertThat(get("/readyz")).startsWith("HTTP/1.1 200 OK");
        assertThat(get("/v1/self")).startsWith("HTTP/1.1 200 OK");
    }

    @Test
    void readyzOutsideReadyIsNotReadyWhateverThePressure() {
        Reply starting = Pressure.readiness(State.STARTING, shedder.status());

        assertThat(starting.status()).isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
        assertThat(new String(starting.body(), StandardCharsets.UTF_8)).contains("servd is [starting]");
    }

    @Test
    void theDefaultsOfServdConfAreTheLibrarysDefaults() {
        assertThat(Pressure.options(PressureSettings.defaults())).isEqualTo(PressureOptions.defaults());
    }
}
