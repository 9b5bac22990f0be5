package io.servd.netpoll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.servd.netpoll.Fixtures.echo;
import static io.servd.netpoll.Fixtures.exchange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerLimitsTest {

    static List<Transport> transports() {
        return Fixtures.availableTransports(ServerLimitsTest.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void overLimitConnectionGetsRefusalThenEndOfStream(Transport transport) throws Exception {
        ServerLimits limits = ServerLimits.none().withMaxConnections(1).withRefusal("busy\n");
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            Fixtures.Accepted accepted = new Fixtures.Accepted(echo());
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), limits, accepted.initializer());
            InetSocketAddress address = (InetSocketAddress) server.localAddress();

            try (Socket first = connect(address)) {
                assertThat(exchange(first, "in")).isEqualTo("in");
                try (Socket second = connect(address)) {
                    assertThat(readAll(second.getInputStream())).isEqualTo("busy\n");
                }
                assertThat(server.refusedConnections()).isEqualTo(1);
                assertThat(server.openConnections()).isEqualTo(1);
            }
            accepted.awaitNoConnections(server);
            assertThat(exchange(address, "admitted again")).isEqualTo("admitted again");
        }
    }

    /**
     * A refused peer that sends its request after the refusal (as every HTTP client does: it writes
     * as soon as it is connected) must not be reset: a reset can destroy the refusal before the client
     * reads it (Go's net/http then reports "connection reset"). Without the half-close and linger the
     * server's socket is closed when the request arrives, the kernel answers it with a reset, and a
     * later write fails.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void refusedPeerMayStillSendWithoutBeingReset(Transport transport) throws Exception {
        ServerLimits limits = ServerLimits.none().withMaxConnections(1).withRefusal("busy\n");
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), limits, echo());
            InetSocketAddress address = (InetSocketAddress) server.localAddress();

            try (Socket first = connect(address)) {
                assertThat(exchange(first, "in")).isEqualTo("in");
                try (Socket second = connect(address)) {
                    assertThat(readAll(second.getInputStream())).as("refusal, then the server's FIN").isEqualTo("busy\n");
                    writeKilobytes(second.getOutputStream(), 256);
                }
                assertThat(server.refusedConnections()).isEqualTo(1);
            }
        }
    }

    /**
     * Refused connections that linger are bounded by the maximum of served ones (here 1): a second
     * refused peer, while the first still lingers, is closed at once, and its later writes are reset.
     * "At once" is the transport's: NIO sends the FIN when the channel closes but releases the fd only
     * when its selector next deregisters it, so the first writes may still land in a receive buffer
     * (seen once in 2026-12 with 256 KiB on NIO); the reset then comes with that release. The closed
     * peer writes up to 64 MiB, far beyond what loopback buffers hold: a server that read and discarded
     * them (as for the lingering peer) would let them all through.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @Timeout(60)
    void noMoreRefusedConnectionsLingerThanAreServed(Transport transport) throws Exception {
        ServerLimits limits = ServerLimits.none().withMaxConnections(1).withRefusal("busy\n");
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), limits, echo());
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            try (Socket served = connect(address); Socket lingering = connect(address); Socket closed = connect(address)) {
                assertThat(exchange(served, "in")).isEqualTo("in");
                assertThat(readAll(lingering.getInputStream())).isEqualTo("busy\n");
                assertThat(readAll(closed.getInputStream())).isEqualTo("busy\n");
                writeKilobytes(lingering.getOutputStream(), 256); // read and discarded: no exception
                assertThatThrownBy(() -> writeKilobytes(closed.getOutputStream(), 64 * 1024))
                        .isInstanceOf(SocketException.class);
            }
        }
    }

    private static void writeKilobytes(OutputStream out, int count) throws IOException {
        byte[] kilobyte = new byte[1024];
        for (int i = 0; i < count; i++) {
            out.write(kilobyte); // throws "Broken pipe" / "Connection reset" once reset
            out.flush();
        }
    }

    /**
     * The kernel completes handshakes into the accept queue while the loop that accepts is busy: with
     * a backlog of 1 it holds two (Linux keeps backlog + 1) and drops the SYNs of the rest, whose
     * connects then wait for TCP's retransmission (1 s) and time out here after 300 ms; without one,
     * all eight complete.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @EnabledOnOs(OS.LINUX)
    void backlogBoundsTheAcceptQueueOfABoundSocket(Transport transport) throws Exception {
        assertThat(connectedWhileAcceptIsHeld(transport, ServerLimits.none().withBacklog(1), 8)).isBetween(1, 3);
        assertThat(connectedWhileAcceptIsHeld(transport, ServerLimits.none(), 8)).isEqualTo(8);
    }

    /** How many of {@code clients} connect within 300 ms each while the server's accepting loop is held. */
    private static int connectedWhileAcceptIsHeld(Transport transport, ServerLimits limits, int clients) throws Exception {
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), limits, echo());
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            server.acceptLoop().execute(() -> {
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            List<Socket> sockets = new ArrayList<>();
            int connected = 0;
            try {
                assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();
                for (int i = 0; i < clients; i++) {
                    Socket s = new Socket();
                    sockets.add(s);
                    try {
                        s.connect(server.localAddress(), 300);
                        connected++;
                    } catch (SocketTimeoutException e) {
                        // its SYN was dropped: the queue is full
                    }
                }
            } finally {
                release.countDown();
                for (Socket s : sockets) {
                    s.close();
                }
            }
            return connected;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void idleConnectionIsClosed(Transport transport) throws Exception {
        ServerLimits limits = ServerLimits.none().withIdleTimeout(Duration.ofMillis(200));
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), limits, echo());

            try (Socket s = connect((InetSocketAddress) server.localAddress())) {
                assertThat(exchange(s, "once")).isEqualTo("once");
                long t0 = System.nanoTime();
                assertThat(s.getInputStream().read()).as("end of stream").isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(100), Duration.ofSeconds(3));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void silentPeerHitsReadTimeout(Transport transport) throws Exception {
        ServerLimits limits = ServerLimits.none().withReadTimeout(Duration.ofMillis(200));
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            Fixtures.Accepted accepted = new Fixtures.Accepted(echo());
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), limits, accepted.initializer());

            try (Socket s = connect((InetSocketAddress) server.localAddress())) {
                assertThat(s.getInputStream().read()).as("end of stream").isEqualTo(-1);
            }
            accepted.awaitNoConnections(server);
        }
    }

    @Test
    void rejectsNonsenseLimitsNamingValues() {
        assertThatThrownBy(() -> ServerLimits.none().withMaxConnections(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0]");
        assertThatThrownBy(() -> ServerLimits.none().withIdleTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[PT0S]");
        assertThatThrownBy(() -> ServerLimits.none().withReadTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[PT-1S]");
        assertThatThrownBy(() -> ServerLimits.none().withBacklog(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backlog").hasMessageContaining("[0]");
    }

    private static Socket connect(InetSocketAddress address) throws Exception {
        Socket s = new Socket();
        s.connect(address, 5_000);
        s.setSoTimeout(5_000);
        return s;
    }

    private static String readAll(InputStream in) throws Exception {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
