package io.servd.netpoll;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.kqueue.KQueue;
import io.netty.channel.kqueue.KQueueDomainSocketChannel;
import io.netty.channel.kqueue.KQueueIoHandler;
import io.netty.channel.kqueue.KQueueServerDomainSocketChannel;
import io.netty.channel.kqueue.KQueueServerSocketChannel;
import io.netty.channel.kqueue.KQueueSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;

import java.net.SocketAddress;
import java.nio.file.Path;

/** BSD/macOS kqueue(2) through Netty's native transport; compiles everywhere, loads only there. */
final class KQueueTransport extends Transport {
    KQueueTransport() {
        super(Preference.KQUEUE, probe("io.netty.channel.kqueue.KQueue", KQueue::unavailabilityCause));
    }

    /**
     * TCP only: Netty's public {@code KQueueServerDomainSocketChannel(int)} marks the socket as not
     * yet listening, so an inherited Unix listener would never accept.
     */
    @Override
    public boolean supportsFdAdoption(SocketFamily family) {
        return family == SocketFamily.TCP;
    }

    @Override
    IoHandlerFactory newIoHandlerFactory() {
        return KQueueIoHandler.newFactory();
    }

    @Override
    ServerChannel newServerSocketChannel() {
        return new KQueueServerSocketChannel();
    }

    @Override
    Channel newSocketChannel() {
        return new KQueueSocketChannel();
    }

    @Override
    ServerChannel newServerDomainSocketChannel() {
        return new KQueueServerDomainSocketChannel();
    }

    @Override
    Channel newDomainSocketChannel() {
        return new KQueueDomainSocketChannel();
    }

    @Override
    SocketAddress domainSocketAddress(Path path) {
        return new DomainSocketAddress(path.toString());
    }

    @Override
    ServerChannel adoptServerSocketChannel(int fd) {
        return new KQueueServerSocketChannel(fd);
    }
}
