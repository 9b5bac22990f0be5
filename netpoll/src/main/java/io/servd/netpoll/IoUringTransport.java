package io.servd.netpoll;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Linux io_uring(7) through Netty's native transport. Unavailable when the kernel is too old, when
 * {@code kernel.io_uring_disabled} is set, or when a seccomp filter (container runtimes' defaults)
 * refuses {@code io_uring_setup}. Netty 4.2's io_uring channels cannot wrap an inherited fd.
 */
final class IoUringTransport extends Transport {
    IoUringTransport() {
        this(probe("io.netty.channel.uring.IoUring", IoUring::unavailabilityCause));
    }

    /** With a given probe result: tests of the selection order. */
    IoUringTransport(Optional<Throwable> unavailabilityCause) {
        super(Preference.IO_URING, unavailabilityCause);
    }

    @Override
    IoHandlerFactory newIoHandlerFactory() {
        return IoUringIoHandler.newFactory();
    }

    @Override
    ServerChannel newServerSocketChannel() {
        return new IoUringServerSocketChannel();
    }

    @Override
    Channel newSocketChannel() {
        return new IoUringSocketChannel();
    }

    @Override
    ServerChannel newServerDomainSocketChannel() {
        return new IoUringServerDomainSocketChannel();
    }

    @Override
    Channel newDomainSocketChannel() {
        return new IoUringDomainSocketChannel();
    }

    @Override
    SocketAddress domainSocketAddress(Path path) {
        return new DomainSocketAddress(path.toString());
    }
}
