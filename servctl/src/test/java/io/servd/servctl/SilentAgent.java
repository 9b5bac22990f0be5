package io.servd.servctl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A wedged agent: accepts every connection, optionally sends {@code first} (e.g. a response head
 * whose body never comes), then holds the connection open without another byte until closed.
 */
final class SilentAgent implements AutoCloseable {

    private final ServerSocketChannel server;
    private final String first;
    private final List<SocketChannel> held = new CopyOnWriteArrayList<>();

    private SilentAgent(ServerSocketChannel server, String first) {
        this.server = server;
        this.first = first;
        Thread acceptor = new Thread(this::acceptForever, "silent-agent");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** On 127.0.0.1 and a free port. */
    static SilentAgent tcp(String first) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new SilentAgent(server, first);
    }

    /** On an AF_UNIX socket at {@code path}. */
    static SilentAgent unix(Path path, String first) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        return new SilentAgent(server, first);
    }

    String url() throws IOException {
        return "http://127.0.0.1:" + ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    /** Connections accepted so far. */
    int accepted() {
        return held.size();
    }

    private void acceptForever() {
        try {
            while (true) {
                SocketChannel c = server.accept();
                held.add(c);
                c.write(ByteBuffer.wrap(first.getBytes(StandardCharsets.US_ASCII)));
            }
        } catch (IOException closed) {
            // close() ends the loop
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel c : held) {
            c.close();
        }
    }
}
