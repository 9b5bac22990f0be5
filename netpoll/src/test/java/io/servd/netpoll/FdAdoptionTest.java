package io.servd.netpoll;

import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import static io.servd.netpoll.Fixtures.echo;
import static io.servd.netpoll.Fixtures.exchange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Socket activation in miniature: a listening socket created outside Netty's channels (as systemd
 * creates it before exec) is handed over by fd number.
 */
class FdAdoptionTest {

    private static Transport epoll() {
        Transport epoll = Transport.of(Preference.EPOLL);
        assumeTrue(epoll.isAvailable(), "epoll unavailable here");
        return epoll;
    }

    @Test
    void adoptsInheritedTcpListener() throws Exception {
        Transport epoll = epoll();
        Socket listener = Socket.newSocketStream();
        listener.bind(new InetSocketAddress("127.0.0.1", 0));
        listener.listen(16);
        int port = listener.localAddress().getPort();

        try (EventLoops loops = EventLoops.start(epoll, LoopSizing.defaults(), 1)) {
            Server server = loops.adopt(listener.intValue(), SocketFamily.TCP, ServerLimits.none(), echo());

            assertThat(((InetSocketAddress) server.localAddress()).getPort()).isEqualTo(port);
            assertThat(exchange(new InetSocketAddress("127.0.0.1", port), "adopted")).isEqualTo("adopted");
        }
    }

    @Test
    void adoptsInheritedUnixListener(@TempDir Path dir) throws Exception {
        Transport epoll = epoll();
        Path path = dir.resolve("control.sock");
        Socket listener = Socket.newSocketDomain();
        listener.bind(new DomainSocketAddress(path.toString()));
        listener.listen(16);

        try (EventLoops loops = EventLoops.start(epoll, LoopSizing.defaults(), 1)) {
            loops.adopt(listener.intValue(), SocketFamily.UNIX, ServerLimits.none(), echo());

            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                client.connect(UnixDomainSocketAddress.of(path));
                client.write(ByteBuffer.wrap(new byte[]{42}));
                ByteBuffer in = ByteBuffer.allocate(1);
                assertThat(client.read(in)).isEqualTo(1);
                assertThat(in.get(0)).isEqualTo((byte) 42);
            }
        }
    }

    @Test
    void nioRefusesAdoptionNamingTransport() {
        try (EventLoops loops = EventLoops.start(Transport.of(Preference.NIO), LoopSizing.defaults(), 1)) {
            assertThatThrownBy(() -> loops.adopt(3, SocketFamily.TCP, ServerLimits.none(), echo()))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessage("transport [nio] cannot adopt inherited tcp sockets [fd 3]: use epoll");
        }
    }
}
