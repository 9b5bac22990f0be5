package io.servd.agent;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.servd.daemon.activation.ListenFds;
import io.servd.daemon.activation.ListenFdsException;
import io.servd.netpoll.EventLoops;
import io.servd.netpoll.Server;
import io.servd.netpoll.ServerLimits;
import io.servd.netpoll.SocketFamily;
import io.servd.netpoll.Transport;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where servd's listening sockets come from: inherited from systemd (socket activation, fds named
 * {@code http} and {@code control} in {@code servd.socket}) or bound by servd itself.
 */
final class Listeners {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);
    static final String HTTP = "http";
    static final String CONTROL = "control";

    private final ListenFds fds;

    Listeners(ListenFds fds) {
        this.fds = fds;
        for (var fd : fds.fds()) {
            if (!Set.of(HTTP, CONTROL).contains(fd.name())) {
                log.warn("ignoring inherited fd [{}] named [{}]: servd.socket names its sockets [{}] and [{}]",
                        fd.fd(), fd.name(), HTTP, CONTROL);
            }
        }
    }

    /**
     * Fails when fds were passed but {@code transport} cannot adopt them (NIO, io_uring): serving on
     * a socket of our own instead would leave systemd's socket unanswered.
     *
     * @throws ListenFdsException naming the transport and the fds
     */
    void requireAdoptable(Transport transport) throws ListenFdsException {
        for (var fd : fds.fds()) {
            SocketFamily family = fd.name().equals(CONTROL) ? SocketFamily.UNIX : SocketFamily.TCP;
            if (Set.of(HTTP, CONTROL).contains(fd.name()) && !transport.supportsFdAdoption(family)) {
                throw new ListenFdsException("socket-activated fd [" + fd.fd() + "] named [" + fd.name()
                        + "] cannot be served on transport [" + transport + "]: only epoll adopts inherited "
                        + "sockets; set Transport=auto or epoll");
            }
        }
    }

    /** Whether the HTTP socket comes from systemd (then [HTTP] Listen= does not apply). */
    boolean httpInherited() throws ListenFdsException {
        return fds.single(HTTP).isPresent();
    }

    /** The HTTP server under {@code limits}: the inherited {@code http} fd, else a socket bound at {@code listen}. */
    Server http(EventLoops loops, InetSocketAddress listen, ServerLimits limits, ChannelInitializer<Channel> api)
            throws BindException, ListenFdsException {
        Optional<ListenFds.ListenFd> inherited = fds.single(HTTP);
        if (inherited.isPresent()) {
            Server server = loops.adopt(inherited.get().fd(), SocketFamily.TCP, limits, api);
            log.info("serving http on inherited fd [{}] ([{}])", inherited.get().fd(), server.localAddress());
            return server;
        }
        return loops.bind(listen, limits, api);
    }

    /** The control socket under {@code limits} if systemd passed one. */
    Optional<Server> control(EventLoops loops, ServerLimits limits, ChannelInitializer<Channel> api)
            throws BindException, ListenFdsException {
        Optional<ListenFds.ListenFd> inherited = fds.single(CONTROL);
        if (inherited.isEmpty()) {
            return Optional.empty();
        }
        Server server = loops.adopt(inherited.get().fd(), SocketFamily.UNIX, limits, api);
        log.info("serving control on inherited fd [{}] ([{}])", inherited.get().fd(), server.localAddress());
        return Optional.of(server);
    }
}
