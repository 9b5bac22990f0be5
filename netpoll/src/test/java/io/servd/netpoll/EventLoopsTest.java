package io.servd.netpoll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import static io.servd.netpoll.Fixtures.echo;
import static io.servd.netpoll.Fixtures.exchange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventLoopsTest {

    static List<Transport> transports() {
        return Fixtures.availableTransports(EventLoopsTest.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void servesTcpOnIpv4Loopback(Transport transport) throws Exception {
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 2)) {
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), echo());
            InetSocketAddress bound = (InetSocketAddress) server.localAddress();
            assertThat(bound.getPort()).isPositive();

            assertThat(exchange(bound, "hello " + transport)).isEqualTo("hello " + transport);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void servesTcpOnIpv6Loopback(Transport transport) throws Exception {
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            Server server = loops.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0), echo());

            assertThat(exchange((InetSocketAddress) server.localAddress(), "six")).isEqualTo("six");
            assertThat(server.toString()).startsWith("server [[::1]:");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void secondBindOnSamePortNamesAddressAndReason(Transport transport) throws Exception {
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            Server first = loops.bind(new InetSocketAddress("127.0.0.1", 0), echo());
            int port = ((InetSocketAddress) first.localAddress()).getPort();

            assertThatThrownBy(() -> loops.bind(new InetSocketAddress("127.0.0.1", port), echo()))
                    .isInstanceOf(BindException.class)
                    .hasMessage("cannot bind [127.0.0.1:" + port + "]: Address already in use")
                    .hasCauseInstanceOf(java.io.IOException.class);
            assertThat(first.isAccepting()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void namesThreadsAndSizesFromCpus(Transport transport) throws Exception {
        try (EventLoops loops = EventLoops.start(transport, new LoopSizing(LoopSizing.Rounding.CEIL, 1, 1), 1.5)) {
            assertThat(loops.workerCount()).isEqualTo(2);
            assertThat(loops.acceptorCount()).isEqualTo(1);
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), echo());
            for (int i = 0; i < 4; i++) { // round-robin over both workers
                exchange((InetSocketAddress) server.localAddress(), "x");
            }
            Set<String> names = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(n -> n.startsWith("servd-")).collect(Collectors.toSet());
            assertThat(names).contains("servd-io-1", "servd-io-2", "servd-accept-1");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void idleShutdownIsFastDespiteQuietPeriod(Transport transport) throws Exception {
        EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 2);
        Fixtures.Accepted accepted = new Fixtures.Accepted(echo());
        Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), accepted.initializer());
        exchange((InetSocketAddress) server.localAddress(), "warm");
        accepted.awaitNoConnections(server); // the server side sees the client's close a moment later

        long t0 = System.nanoTime();
        loops.shutdownGracefully(Duration.ofSeconds(2), Duration.ofSeconds(15)).get(5, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(took).isLessThan(Duration.ofSeconds(1));
        assertThat(server.isAccepting()).isFalse();
        assertThat(loops.shutdownGracefully(Duration.ZERO, Duration.ZERO)).isDone();
        assertThat(loops.ping(Duration.ofSeconds(1))).failsWithin(1, TimeUnit.SECONDS)
                .withThrowableThat().havingCause().isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void pingAnswersWhileLoopsRunAndTimesOutWhenOneIsBlocked(Transport transport) throws Exception {
        try (EventLoops loops = EventLoops.start(transport, new LoopSizing(LoopSizing.Rounding.CEIL, 2, 1), 1)) {
            loops.ping(Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);

            CountDownLatch blocked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), Fixtures.blockingOnRead(blocked, release));
            try (Socket s = new Socket()) {
                s.connect(server.localAddress(), 5_000);
                s.getOutputStream().write(1);
                assertThat(blocked.await(5, TimeUnit.SECONDS)).as("a handler blocks its event loop").isTrue();
                assertThat(loops.ping(Duration.ofMillis(200)))
                        .failsWithin(5, TimeUnit.SECONDS).withThrowableThat().havingCause().isInstanceOf(TimeoutException.class);
            } finally {
                release.countDown();
            }
            loops.ping(Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Issue 15: a loop with a long task queue is busy, not wedged. Netty runs tasks for at most its
     * processing quantum (1 s, looked at every 64 tasks) between I/O passes, so 4,000 tasks of 1 ms
     * each keep the ping's own task queued for 4 s; the loop's passes still move, and the ping answers
     * alive within its 2 s timeout while its task has not run. Fails when the ping waits for its task only.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aBusyLoopIsAliveThoughItsPingWaitsInTheQueue(Transport transport) throws Exception {
        try (EventLoops loops = EventLoops.start(transport, new LoopSizing(LoopSizing.Rounding.CEIL, 1, 0), 1)) {
            loops.ping(Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS); // the loop's thread is started
            io.netty.util.concurrent.EventExecutor loop = loops.startedWorkers().get(0);
            CountDownLatch queued = new CountDownLatch(4000);
            for (int i = 0; i < 4000; i++) {
                loop.execute(() -> {
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait(); // work, not a wait: the loop's thread is busy
                    }
                    queued.countDown();
                });
            }
            assertThat(loops.ping(Duration.ofSeconds(2))).succeedsWithin(Duration.ofSeconds(3));
            assertThat(queued.getCount()).as("tasks still queued ahead of the ping's own when it answered").isPositive();
            assertThat(queued.await(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * Issue 15: a loop in one long pass over many busy connections is busy, not wedged. The loop is
     * held in a task while 100 clients each send a byte, so that its next pass finds all 100 ready;
     * each read then works 30 ms, a 3 s pass. A ping sent once the pass has begun answers within
     * its 1 s timeout, from the reads that complete; it fails when only the end of a pass (or the
     * ping's task, which runs after the pass) answers.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aLoopInALongPassIsAliveThoughThePassHasNotEnded(Transport transport) throws Exception {
        int clients = 100;
        try (EventLoops loops = EventLoops.start(transport, new LoopSizing(LoopSizing.Rounding.CEIL, 1, 0), 1)) {
            CountDownLatch passBegun = new CountDownLatch(1);
            CountDownLatch read = new CountDownLatch(clients);
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), Fixtures.onEachRead(ctx -> {
                passBegun.countDown();
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(30);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait(); // work, not a wait: the loop's thread is busy
                }
                read.countDown();
            }));
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    Socket s = new Socket();
                    s.connect(server.localAddress(), 5_000);
                    sockets.add(s);
                }
                loops.ping(Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS); // every connection is registered by now
                io.netty.util.concurrent.EventExecutor loop = loops.startedWorkers().get(0);
                CountDownLatch held = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                loop.execute(() -> {
                    held.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();
                for (Socket s : sockets) {
                    s.getOutputStream().write(1);
                }
                release.countDown();
                assertThat(passBegun.await(5, TimeUnit.SECONDS)).isTrue();
                assertThat(loops.ping(Duration.ofSeconds(1))).succeedsWithin(Duration.ofSeconds(2));
                assertThat(read.getCount()).as("reads still ahead in the pass when the ping answered").isPositive();
                assertThat(read.await(20, TimeUnit.SECONDS)).isTrue();
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    @Test
    void shutdownRejectsTimeoutShorterThanQuiet() throws Exception {
        try (EventLoops loops = EventLoops.start(Transport.of(Preference.NIO), LoopSizing.defaults(), 1)) {
            assertThatThrownBy(() -> loops.shutdownGracefully(Duration.ofSeconds(3), Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[PT3S]");
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void refusesToStartOnUnavailableTransport() {
        assertThatThrownBy(() -> EventLoops.start(Transport.of(Preference.KQUEUE), LoopSizing.defaults(), 1))
                .isInstanceOf(TransportUnavailableException.class).hasMessageContaining("[kqueue]");
    }
}
