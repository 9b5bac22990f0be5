package io.servd.netpoll;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.servd.netpoll.Fixtures.echo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@EnabledOnOs({OS.LINUX, OS.MAC, OS.FREEBSD, OS.OPENBSD})
class UnixDomainSocketTest {

    static List<Transport> transports() {
        return Fixtures.availableTransports(UnixDomainSocketTest.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void servesUnixStreamSocket(Transport transport, @TempDir Path dir) throws Exception {
        Path path = dir.resolve("echo.sock");
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            Server server = loops.bind(path, ServerLimits.none(), echo());
            assertThat(server.localAddress()).isEqualTo(UnixDomainSocketAddress.of(path));
            assertThat(Files.exists(path)).isTrue();

            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                client.connect(UnixDomainSocketAddress.of(path));
                client.write(ByteBuffer.wrap("over unix".getBytes(StandardCharsets.UTF_8)));
                ByteBuffer in = ByteBuffer.allocate(9);
                while (in.hasRemaining() && client.read(in) >= 0) {
                    // read until the echo is complete
                }
                assertThat(new String(in.array(), StandardCharsets.UTF_8)).isEqualTo("over unix");
            }
            server.stopAccepting().get(5, TimeUnit.SECONDS);
            assertThat(path).as("socket file removed on close").doesNotExist();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void bindOnExistingPathNamesIt(Transport transport, @TempDir Path dir) throws Exception {
        Path path = dir.resolve("taken.sock");
        Files.createFile(path);
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            assertThatThrownBy(() -> loops.bind(path, ServerLimits.none(), echo()))
                    .isInstanceOf(BindException.class)
                    .hasMessage("cannot bind [" + path + "]: Address already in use");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void clientConnectsOverTcpAndUnix(Transport transport, @TempDir Path dir) throws Exception {
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            Server tcp = loops.bind(new InetSocketAddress("127.0.0.1", 0), echo());
            Server unix = loops.bind(dir.resolve("c.sock"), ServerLimits.none(), echo());

            for (SocketAddress target : List.of(tcp.localAddress(), unix.localAddress())) {
                CompletableFuture<String> reply = new CompletableFuture<>();
                Channel ch = loops.connect(target, replyInto(reply)).get(5, TimeUnit.SECONDS);
                ch.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.UTF_8));
                assertThat(reply.get(5, TimeUnit.SECONDS)).as(target.toString()).isEqualTo("ping");
                ch.close().sync();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void connectFailureCompletesExceptionally(Transport transport, @TempDir Path dir) {
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            assertThat(loops.connect(UnixDomainSocketAddress.of(dir.resolve("nobody.sock")), echo()))
                    .failsWithin(5, TimeUnit.SECONDS);
        }
    }

    private static ChannelInitializer<Channel> replyInto(CompletableFuture<String> reply) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                        reply.complete(msg.toString(StandardCharsets.UTF_8));
                    }
                });
            }
        };
    }
}
