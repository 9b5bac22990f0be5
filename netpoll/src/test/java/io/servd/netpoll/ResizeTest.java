package io.servd.netpoll;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** A CPU limit raised and lowered while connections stay open (issue 5 item 2). */
class ResizeTest {

    static List<Transport> transports() {
        return Fixtures.availableTransports(ResizeTest.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void resizesLiveWithoutDroppingConnections(Transport transport) throws Exception {
        try (EventLoops loops = EventLoops.start(transport, new LoopSizing(LoopSizing.Rounding.CEIL, 1, 0), 1, 4)) {
            assertThat(loops.workerCount()).isEqualTo(1);
            assertThat(loops.workerCapacity()).isEqualTo(4);
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), threadNameEcho());
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            List<Socket> open = new ArrayList<>();
            try {
                Socket first = connect(address);
                open.add(first);
                assertThat(servingLoop(first)).isEqualTo("servd-io-1");
                assertThat(loopThreads()).as("loops beyond the size have no thread").doesNotContain("servd-io-2");

                assertThat(loops.resize(3.5)).isEqualTo(4);
                Set<String> served = new HashSet<>();
                for (int i = 0; i < 8; i++) {
                    Socket s = connect(address);
                    open.add(s);
                    served.add(servingLoop(s));
                }
                assertThat(served).containsExactlyInAnyOrder("servd-io-1", "servd-io-2", "servd-io-3", "servd-io-4");

                assertThat(loops.resize(0.5)).isEqualTo(1);
                for (Socket s : open) { // every connection made before either resize still answers
                    assertThat(servingLoop(s)).startsWith("servd-io-");
                }
                Socket after = connect(address);
                open.add(after);
                assertThat(servingLoop(after)).isEqualTo("servd-io-1");
                assertThat(loops.ping(Duration.ofSeconds(5))).succeedsWithin(Duration.ofSeconds(5));
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    /** Answers each read with the name of the event-loop thread serving the connection. */
    private static ChannelInitializer<Channel> threadNameEcho() {
        return Fixtures.onEachRead(ctx -> ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(
                Thread.currentThread().getName().getBytes(StandardCharsets.US_ASCII))));
    }

    /** Sends one byte, reads the 10-byte name of the loop thread that served it. */
    private static String servingLoop(Socket s) throws Exception {
        s.getOutputStream().write('x');
        return new String(Fixtures.readN(s.getInputStream(), "servd-io-1".length()), StandardCharsets.US_ASCII);
    }

    private static Set<String> loopThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("servd-io-")).collect(Collectors.toSet());
    }

    private static Socket connect(InetSocketAddress address) throws Exception {
        Socket s = new Socket();
        s.connect(address, 5_000);
        s.setSoTimeout(5_000);
        return s;
    }
}
