package io.servd.agent.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import io.servd.agent.http.HttpApi;
import io.servd.agent.http.Routes;
import io.servd.netpoll.EventLoops;
import io.servd.netpoll.LoopSizing;
import io.servd.netpoll.NetpollConfig;
import io.servd.netpoll.Server;
import io.servd.netpoll.Transport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code GET /v1/events} over a real loopback socket: replay, filters, follow, heartbeat, the cap, a slow reader. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventsStreamTest {
    private EventLoops loops;
    private Server server;
    private EventLog log;
    private EventsRoute route;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    void serve(int capacity, int maxFollowers, Duration heartbeat) throws Exception {
        log = EventLog.ofCapacity(capacity);
        route = new EventsRoute(log, maxFollowers, heartbeat);
        loops = EventLoops.start(Transport.detect(NetpollConfig.defaults()).transport(), LoopSizing.defaults(), 1);
        Routes routes = Routes.builder().route(HttpMethod.GET, "/v1/events", route::get).build();
        server = loops.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new HttpApi(routes));
    }

    @AfterEach
    void stop() {
        if (loops != null) {
            loops.close();
        }
    }

    URI uri(String pathAndQuery) {
        var a = (InetSocketAddress) server.localAddress();
        return URI.create("http://127.0.0.1:" + a.getPort() + pathAndQuery);
    }

    HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<Stream<String>> follow(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).build(), HttpResponse.BodyHandlers.ofLines());
    }

    @Test
    void replaysWhatIsKeptAsNdjsonWithFilters() throws Exception {
        serve(100, 4, Duration.ofSeconds(15));
        log.publish(EventLogTest.oom("a.service", 0));
        log.publish(EventLogTest.oom("b.service", 1));
        log.publish(new Throttled(EventLogTest.T0.plusSeconds(2), "a.service", 3, 10, Duration.ofMillis(40)));
        var all = get("/v1/events");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.headers().firstValue("Content-Type")).contains("application/x-ndjson");
        assertThat(all.headers().allValues("X-Content-Type-Options")).containsExactly("nosniff");
        assertThat(all.body().lines().toList()).hasSize(3).allMatch(l -> l.startsWith("{\"id\":"));
        assertThat(get("/v1/events?since=2").body().lines().toList()).singleElement().asString()
                .contains("\"id\":3", "\"type\":\"throttled\"", "\"nrThrottled\":3", "\"throttledUsec\":40000");
        assertThat(get("/v1/events?unit=a.service").body().lines().toList()).hasSize(2);
        assertThat(get("/v1/events?type=oom-kill&unit=b.service").body().lines().toList()).singleElement().asString()
                .contains("\"unit\":\"b.service\"");
        assertThat(get("/v1/events?since=2026-12-02T16:25:01Z").body().lines().toList()).hasSize(2);
    }

    @Test
    void garbageSinceIs400NamingTheValue() throws Exception {
        serve(100, 4, Duration.ofSeconds(15));
        var r = get("/v1/events?since=garbage");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"error\":\"bad request\"").contains("[garbage]");
        assertThat(get("/v1/events?follow=sometimes").body()).contains("[sometimes]");
    }

    @Test
    void aFollowerGetsNewEventsAndHeartbeats() throws Exception {
        serve(100, 4, Duration.ofMillis(50));
        log.publish(EventLogTest.oom("old.service", 0));
        var r = follow("/v1/events?follow=1");
        assertThat(r.statusCode()).isEqualTo(200);
        Iterator<String> lines = r.body().iterator();
        assertThat(lines.next()).as("a heartbeat before any event: an empty line").isEmpty();
        log.publish(EventLogTest.oom("new.service", 1));
        String next = lines.next();
        while (next.isEmpty()) {
            next = lines.next();
        }
        assertThat(next).contains("\"unit\":\"new.service\"", "\"id\":2");
        assertThat(route.followers()).isEqualTo(1);
        r.body().close();
    }

    @Test
    void theDrainEndsAFollowWithTheLastChunk() throws Exception {
        serve(100, 4, Duration.ofSeconds(15));
        var r = follow("/v1/events?follow=1");
        Iterator<String> lines = r.body().iterator();
        log.publish(EventLogTest.oom("a.service", 0));
        assertThat(lines.next()).contains("\"id\":1");
        var drained = server.drain(Duration.ofSeconds(10), Duration.ZERO).get(20, TimeUnit.SECONDS);
        assertThat(lines.hasNext()).as("the body ended").isFalse();
        assertThat(drained.forced()).as("closed by the follower's end, not at the deadline").isZero();
        assertThat(route.followers()).isZero();
    }

    @Test
    void anHttp10FollowerGetsLinesUntilTheClose() throws Exception {
        serve(100, 4, Duration.ofSeconds(15));
        log.publish(EventLogTest.oom("a.service", 0));
        try (Socket s = new Socket()) {
            s.connect(server.localAddress(), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /v1/events HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(all).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("transfer-encoding")
                    .endsWith("\"total\":1}\n");
        }
    }

    @Test
    void aFollowerResumesAfterAnId() throws Exception {
        serve(100, 4, Duration.ofSeconds(15));
        for (int i = 0; i < 3; i++) {
            log.publish(EventLogTest.oom("a.service", i));
        }
        Iterator<String> lines = follow("/v1/events?follow=1&since=1").body().iterator();
        assertThat(lines.next()).contains("\"id\":2");
        assertThat(lines.next()).contains("\"id\":3");
    }

    @Test
    void followersOverTheCapAre503WithRetryAfter() throws Exception {
        serve(100, 1, Duration.ofSeconds(15));
        var first = follow("/v1/events?follow=1");
        assertThat(first.statusCode()).isEqualTo(200);
        var second = get("/v1/events?follow=1");
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(second.headers().firstValue("Retry-After")).contains(EventsRoute.RETRY_AFTER_SECONDS);
        assertThat(second.body()).contains("too many followers");
        assertThat(get("/v1/events").statusCode()).as("a replay is no follower").isEqualTo(200);
    }

    @Test
    void aFollowerThatStopsReadingIsDroppedWithTheCountLostNotBuffered() throws Exception {
        serve(500, 4, Duration.ofSeconds(15));
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(server.localAddress(), 5000);
            s.getOutputStream().write(("GET /v1/events?follow=1 HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("HTTP/1.1 200");
            // 60,000 events of ~120 bytes: 7 MB, far more than the socket buffers hold, while nobody reads
            for (int i = 0; i < 60_000; i++) {
                log.publish(EventLogTest.oom("a.service", i));
            }
            s.setSoTimeout(20_000);
            List<String> got = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("{")) {
                    got.add(line);
                }
            }
            assertThat(got.size()).as("events delivered before the drop").isLessThan(60_000);
            assertThat(got.get(got.size() - 1)).contains("\"type\":\"lost\"").contains("resume with since=");
            assertThat(route.followers()).as("the slot is given back").isZero();
        }
    }
}
