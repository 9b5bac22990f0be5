package io.servd.netpoll;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The JDK's selector-based NIO: always available, the fallback. Unix domain sockets come from the
 * JDK (16+); inherited fds cannot be adopted (no public JDK API wraps a raw fd).
 */
final class NioTransport extends Transport {
    NioTransport() {
        super(Preference.NIO, Optional.empty());
    }

    @Override
    IoHandlerFactory newIoHandlerFactory() {
        return NioIoHandler.newFactory();
    }

    @Override
    ServerChannel newServerSocketChannel() {
        return new NioServerSocketChannel();
    }

    @Override
    Channel newSocketChannel() {
        return new NioSocketChannel();
    }

    @Override
    ServerChannel newServerDomainSocketChannel() {
        return new NioServerDomainSocketChannel();
    }

    @Override
    Channel newDomainSocketChannel() {
        return new NioDomainSocketChannel();
    }

    @Override
    SocketAddress domainSocketAddress(Path path) {
        return UnixDomainSocketAddress.of(path);
    }
}
