package io.servd.agent.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.servd.agent.http.Reply;
import io.servd.agent.http.Routes;
import io.servd.netpoll.EventLoops;
import io.servd.netpoll.LoopSizing;
import io.servd.netpoll.NetpollConfig;
import io.servd.netpoll.Server;
import io.servd.netpoll.ServerLimits;
import io.servd.netpoll.Transport;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Unix socket on the detected transport: mode 0660, and SO_PEERCRED reaches the routes. */
class ControlSocketTest {
    @TempDir
    Path tmp;

    @Test
    void marksConnectionsWithPeerCredentials() throws Exception {
        Transport transport = Transport.detect(NetpollConfig.defaults()).transport();
        System.out.println("ControlSocketTest runs on transport [" + transport.name() + "]"); // under CI=true, not epoll fails
        assumeTrue(transport.name().equals("epoll"), "peer credentials need epoll, have [" + transport + "]");
        Routes routes = Routes.builder().route(HttpMethod.GET, "/whoami", r -> Reply.json(HttpResponseStatus.OK,
                Map.of("peer", r.channel().attr(PeerCredentials.CONTROL_PEER).get().map(PeerCredentials::toString)
                        .orElse("unknown")))).build();
        Path socket = tmp.resolve("control.sock");
        try (EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), 1)) {
            Server server = ControlSocket.bind(loops, socket, ServerLimits.none(), routes, Optional.empty());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw----");
            String response = exchange(socket, "GET /whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(response).startsWith("HTTP/1.1 200").contains("\"peer\":\"pid=" + ProcessHandle.current().pid()
                    + " uid=" + Files.getAttribute(socket, "unix:uid")); // we own the socket file, so its uid is ours
            server.close();
        }
    }

    private static String exchange(Path socket, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            var out = new java.io.ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (ch.read(buf) > 0) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
