package io.servd.netpoll;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.servd.netpoll.Fixtures.echo;
import static io.servd.netpoll.Fixtures.exchange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DrainTest {

    static List<Transport> transports() {
        return Fixtures.availableTransports(DrainTest.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void idleConnectionsCloseOnDrainingAndShutdownIsFast(Transport transport) throws Exception {
        EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 2);
        Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), ServerLimits.none(), echoClosingOnDrain());
        InetSocketAddress address = (InetSocketAddress) server.localAddress();

        try (Socket keepAlive = connect(address)) {
            assertThat(exchange(keepAlive, "hi")).isEqualTo("hi");
            long t0 = System.nanoTime();

            DrainResult result = server.drain(Duration.ofSeconds(10)).get(5, TimeUnit.SECONDS);
            loops.shutdownGracefully(Duration.ofSeconds(2), Duration.ofSeconds(15)).get(5, TimeUnit.SECONDS);

            assertThat(result.openAtStart()).isEqualTo(1);
            assertThat(result.forced()).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("drain + shutdown").isLessThan(Duration.ofSeconds(1));
            assertThat(keepAlive.getInputStream().read()).isEqualTo(-1);
        }
        assertThatThrownBy(() -> connect(address)).isInstanceOf(ConnectException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void connectionsIgnoringDrainAreClosedAtDeadline(Transport transport) throws Exception {
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), ServerLimits.none(), echo());

            try (Socket a = connect((InetSocketAddress) server.localAddress());
                 Socket b = connect((InetSocketAddress) server.localAddress())) {
                exchange(a, "a");
                exchange(b, "b");

                DrainResult result = server.drain(Duration.ofMillis(300)).get(5, TimeUnit.SECONDS);

                assertThat(result.openAtStart()).isEqualTo(2);
                assertThat(result.forced()).isEqualTo(2);
                assertThat(result.took()).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
                assertThat(a.getInputStream().read()).isEqualTo(-1);
                assertThat(server.isAccepting()).isFalse();
            }
        }
    }

    /**
     * A client that connected just before the drain and sends its request after it began (on a busy
     * host the request is simply still on its way) is served, then closed: not reset as idle.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void connectionThatHasNotSentYetIsServedWhenItsRequestArrives(Transport transport) throws Exception {
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            Fixtures.Accepted accepted = new Fixtures.Accepted(echoClosingOnDrain());
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), ServerLimits.none(), accepted.initializer());
            try (Socket late = connect((InetSocketAddress) server.localAddress())) {
                Channel connection = accepted.await(1);
                assertThat(server.openConnections()).isEqualTo(1);

                var drained = server.drain(Duration.ofSeconds(10));
                // The drain has reached the connection; its request is still "on its way". The drain asks
                // it from the listener of its own stopAccepting, which runs before ours completes, and
                // on the connection's event loop, before the no-op we queue there after it.
                server.stopAccepting().get(5, TimeUnit.SECONDS);
                connection.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
                assertThat(drained).as("a silent new connection holds the drain").isNotDone();

                assertThat(exchange(late, "hi")).isEqualTo("hi");
                assertThat(late.getInputStream().read()).as("closed after its request").isEqualTo(-1);
                DrainResult result = drained.get(5, TimeUnit.SECONDS);
                assertThat(result.forced()).isZero();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void silentNewConnectionIsClosedByItsHandlerAfterTheGrace(Transport transport) throws Exception {
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            Fixtures.Accepted accepted = new Fixtures.Accepted(echoClosingOnDrain());
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), ServerLimits.none(), accepted.initializer());
            try (Socket silent = connect((InetSocketAddress) server.localAddress())) {
                accepted.await(1);
                assertThat(server.openConnections()).isEqualTo(1);

                DrainResult result = server.drain(Duration.ofSeconds(30), Duration.ofMillis(200)).get(10, TimeUnit.SECONDS);

                assertThat(result.forced()).as("closed by the handler after the grace, not at the deadline").isZero();
                assertThat(silent.getInputStream().read()).isEqualTo(-1);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void drainWithNoConnectionsCompletesAtOnce(Transport transport) throws Exception {
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), echo());
            DrainResult result = server.drain(Duration.ofSeconds(30)).get(5, TimeUnit.SECONDS);
            assertThat(result.openAtStart()).isZero();
            assertThat(result.forced()).isZero();
        }
    }

    /** Echo that, like an HTTP server between requests, closes when asked to drain. */
    private static ChannelInitializer<Channel> echoClosingOnDrain() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt == Draining.REQUESTED) {
                            ctx.close();
                        }
                    }
                });
            }
        };
    }

    private static Socket connect(InetSocketAddress address) throws Exception {
        Socket s = new Socket();
        s.connect(address, 5_000);
        s.setSoTimeout(5_000);
        return s;
    }
}
