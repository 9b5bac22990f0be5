package io.servd.netpoll;

import io.netty.channel.Channel;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/** Linux epoll(7), edge-triggered, through Netty's native transport. */
final class EpollTransport extends Transport {
    EpollTransport() {
        this(probe("io.netty.channel.epoll.Epoll", Epoll::unavailabilityCause));
    }

    /** With a given probe result: tests of the selection order. */
    EpollTransport(Optional<Throwable> unavailabilityCause) {
        super(Preference.EPOLL, unavailabilityCause);
    }

    @Override
    public boolean supportsFdAdoption(SocketFamily family) {
        return true;
    }

    /**
     * Ready fds handled in one I/O pass at most (one {@code epoll_wait}'s {@code maxevents}); the rest
     * stay on the kernel's ready list for the next pass, in order. Bounds a pass under thousands of
     * ready connections, so the loop's tasks (answers, the watchdog's ping) and its progress count
     * come round often; Netty's own default starts at 4,096.
     */
    static final int MAX_EVENTS_PER_PASS = 128;

    @Override
    IoHandlerFactory newIoHandlerFactory() {
        return EpollIoHandler.newFactory(MAX_EVENTS_PER_PASS, DefaultSelectStrategyFactory.INSTANCE);
    }

    @Override
    ServerChannel newServerSocketChannel() {
        return new EpollServerSocketChannel();
    }

    @Override
    Channel newSocketChannel() {
        return new EpollSocketChannel();
    }

    @Override
    ServerChannel newServerDomainSocketChannel() {
        return new EpollServerDomainSocketChannel();
    }

    @Override
    Channel newDomainSocketChannel() {
        return new EpollDomainSocketChannel();
    }

    @Override
    SocketAddress domainSocketAddress(Path path) {
        return new DomainSocketAddress(path.toString());
    }

    @Override
    ServerChannel adoptServerSocketChannel(int fd) {
        return new EpollServerSocketChannel(fd);
    }

    @Override
    ServerChannel adoptServerDomainSocketChannel(int fd) {
        // the (int) constructor assumes a socket that is not listening yet; an inherited one is
        return new EpollServerDomainSocketChannel(fd, true);
    }
}
