package io.servd.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.internal.PlatformDependent;
import io.servd.netpoll.EventLoops;
import io.servd.netpoll.LoopSizing;
import io.servd.netpoll.NetpollConfig;
import io.servd.netpoll.Server;
import io.servd.netpoll.Transport;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replies larger than a chunk, over a real loopback socket on the detected transport: what a reader
 * that does not read costs in direct memory, and that HEAD, keep-alive, pipelining and
 * {@code Connection: close} still frame the body exactly.
 */
class BoundedWritesTest {
    /** Larger than any kernel socket buffer this test leaves room for, like a /metrics of many units. */
    private static final int BODY_BYTES = 4 * 1024 * 1024;
    /** Both ends' socket buffers, so that "the kernel took what it could" comes quickly and alike on every host. */
    private static final int SOCKET_BUFFER_BYTES = 64 * 1024;
    private static final byte[] BODY = pattern(BODY_BYTES);
    private static final String SMALL = "{\"status\":\"ok\"}\n";

    private static EventLoops loops;
    private static Server server;
    /** The server's side of each connection that asked for /big, as the handler saw it. */
    private static final BlockingQueue<Channel> served = new LinkedBlockingQueue<>();

    @BeforeAll
    static void serve() throws Exception {
        loops = EventLoops.start(Transport.detect(NetpollConfig.defaults()).transport(), LoopSizing.defaults(), 1);
        Routes routes = Routes.builder()
                .route(HttpMethod.GET, "/big", r -> {
                    r.channel().config().setOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES);
                    served.add(r.channel());
                    return Reply.of(HttpResponseStatus.OK, "application/octet-stream", BODY);
                })
                .get("/small", r -> Reply.json(HttpResponseStatus.OK, Map.of("status", "ok")))
                .build();
        server = loops.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new HttpApi(routes));
    }

    @AfterAll
    static void stop() {
        loops.close();
    }

    @BeforeEach
    void forget() {
        served.clear();
    }

    @Test
    void slowReadersHoldAtMostTheBoundEachAndAReaderGetsTheWholeBody() throws Exception {
        int n = 8;
        try (Socket warm = connect()) { // the JDK's and Netty's one-off buffers, before measuring
            send(warm, "GET /small HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(new String(readResponse(in(warm)).body, StandardCharsets.UTF_8)).isEqualTo(SMALL);
        }
        DirectUse before = DirectUse.now();
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Socket client = connect();
                clients.add(client);
                send(client, "GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n");
            }
            for (int i = 0; i < n; i++) {
                Channel channel = served.poll(10, TimeUnit.SECONDS);
                assertThat(channel).as("connection %d was answered", i).isNotNull();
                awaitUnwritable(channel);
            }
            long grown = DirectUse.now().grownSince(before);
            assertThat(grown).as("direct memory grown, [%d] connections of at most [%d] bytes each", n,
                    HttpApi.CONNECTION_DIRECT_BYTES).isLessThanOrEqualTo((long) n * HttpApi.CONNECTION_DIRECT_BYTES);

            Response response = readResponse(in(clients.get(0)));
            assertThat(response.head).containsIgnoringCase("content-length: " + BODY_BYTES)
                    .doesNotContainIgnoringCase("transfer-encoding");
            assertThat(response.body).isEqualTo(BODY);
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
    }

    @Test
    void headOfALargeReplyHasItsLengthAndNoBody() throws IOException {
        try (Socket client = connect()) {
            send(client, "HEAD /big HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            InputStream in = in(client);
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: " + BODY_BYTES);
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @Test
    void keepAliveServesALargeReplyThenTheNextRequest() throws IOException {
        try (Socket client = connect()) {
            InputStream in = in(client);
            send(client, "GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(readResponse(in).body).isEqualTo(BODY);
            send(client, "GET /small HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(new String(readResponse(in).body, StandardCharsets.UTF_8)).isEqualTo(SMALL);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void pipelinedRepliesComeInRequestOrderAndCloseAfterTheLast() throws IOException {
        try (Socket client = connect()) {
            String big = "GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n";
            String small = "GET /small HTTP/1.1\r\nHost: localhost\r\n\r\n";
            send(client, big + small + big + "GET /small HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            InputStream in = in(client);
            assertThat(readResponse(in).body).isEqualTo(BODY);
            assertThat(new String(readResponse(in).body, StandardCharsets.UTF_8)).isEqualTo(SMALL);
            assertThat(readResponse(in).body).isEqualTo(BODY);
            assertThat(new String(readResponse(in).body, StandardCharsets.UTF_8)).isEqualTo(SMALL);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void connectionCloseClosesAfterTheLastChunk() throws IOException {
        try (Socket client = connect()) {
            send(client, "GET /big HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            InputStream in = in(client);
            String head = readHead(in);
            assertThat(head).containsIgnoringCase("connection: close");
            assertThat(in.readAllBytes()).isEqualTo(BODY); // all of it, then end-of-stream
        }
    }

    /** Waits, on the channel's own event loop, until the server has queued all the socket takes. */
    private static void awaitUnwritable(Channel channel) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (channel.eventLoop().submit(channel::isWritable).get(10, TimeUnit.SECONDS)) {
            assertThat(System.nanoTime()).as("[%s] became unwritable within 10 s", channel).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    /**
     * Direct memory in use, in bytes, as the JDK counts it (its "direct" buffer pool) and as Netty does
     * (its own counter, -1 when it keeps none). Netty 4.2 on JDK 17 allocates through the JDK and counts
     * the same buffers again, so the two are compared one by one, never added.
     */
    private record DirectUse(long jdk, long netty) {
        static DirectUse now() {
            long jdk = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(pool -> pool.getName().equals("direct"))
                    .mapToLong(BufferPoolMXBean::getMemoryUsed)
                    .sum();
            return new DirectUse(jdk, Math.max(0, PlatformDependent.usedDirectMemory()));
        }

        /** The larger growth of the two counts since {@code before}. */
        long grownSince(DirectUse before) {
            return Math.max(jdk - before.jdk, netty - before.netty);
        }
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(SOCKET_BUFFER_BYTES);
        socket.connect(server.localAddress(), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(Socket socket, String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    private static InputStream in(Socket socket) throws IOException {
        return new BufferedInputStream(socket.getInputStream());
    }

    private record Response(String head, byte[] body) {
    }

    /** One response framed by its Content-Length. */
    private static Response readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        int length = head.lines()
                .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                .mapToInt(l -> Integer.parseInt(l.substring("content-length:".length()).strip()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no content-length in [" + head + "]"));
        byte[] body = in.readNBytes(length);
        assertThat(body).as("body of [%s]", head.lines().findFirst().orElse("")).hasSize(length);
        return new Response(head, body);
    }

    /** The status line and headers, up to the blank line. */
    private static String readHead(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            assertThat(b).as("end of stream inside a response head [%s]", head).isNotNegative();
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] pattern(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 13)); // no period that a misplaced slice could hide behind
        }
        return bytes;
    }
}
