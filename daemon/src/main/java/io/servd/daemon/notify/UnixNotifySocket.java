package io.servd.daemon.notify;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import io.servd.daemon.fd.Fcntl;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link FdNotifySocket} over one unbound AF_UNIX datagram socket (the JDK has no AF_UNIX datagrams),
 * opened on the first send and reused; sends are serialised. Plain datagrams go through Netty's native
 * unix socket, whose library is the epoll transport's ({@code Epoll}), which a servd daemon loads for
 * its event loops anyway; its {@code sendto} takes the exact address length, so {@code @abstract} names
 * work. Like sd_notify's, the socket is blocking and close-on-exec ({@link Fcntl}). Only a datagram
 * with fds ({@code FDSTORE=1}, {@code BARRIER=1}, a journal entry in a memfd) loads jnr-ffi, for
 * {@link ScmRights}' {@code sendmsg} on the same socket. Where Netty's epoll library does not load
 * (another OS or CPU, a noexec /tmp without a shipped copy), jnr-unixsocket opens the socket instead.
 */
final class UnixNotifySocket implements FdNotifySocket {
    private static final Logger log = LoggerFactory.getLogger(UnixNotifySocket.class);

    private final NotifySocketAddress address;
    private final BooleanSupplier nettyAvailable;
    private Datagrams socket; // guarded by this

    UnixNotifySocket(NotifySocketAddress address) {
        this(address, Epoll::isAvailable);
    }

    /** @param nettyAvailable whether to send through Netty; asked once, at the first send (tests: false for jnr) */
    UnixNotifySocket(NotifySocketAddress address, BooleanSupplier nettyAvailable) {
        this.address = Objects.requireNonNull(address, "address");
        this.nettyAvailable = Objects.requireNonNull(nettyAvailable, "nettyAvailable");
    }

    /** One open AF_UNIX datagram socket: its fd, and sendto of a whole datagram. */
    private interface Datagrams extends Closeable {
        int fd();

        /** @return the bytes sent */
        int sendTo(ByteBuffer datagram, NotifySocketAddress to) throws IOException;
    }

    @Override
    public synchronized void send(ByteBuffer datagram) throws IOException {
        int expected = datagram.remaining();
        int sent;
        try {
            sent = opened().sendTo(datagram, address);
        } catch (IOException e) {
            throw new IOException("sending to " + address.label() + " [" + address + "] failed: " + e.getMessage(), e);
        }
        if (sent != expected) {
            throw new IOException("short datagram to " + address.label() + " [" + address + "]: sent ["
                    + sent + "] of [" + expected + "] bytes");
        }
    }

    @Override
    public synchronized void sendWithFds(ByteBuffer datagram, int[] fds) throws IOException {
        try {
            ScmRights.send(opened().fd(), address.sockaddr(), datagram, fds);
        } catch (IOException e) {
            throw new IOException("sending to " + address.label() + " [" + address + "] failed: " + e.getMessage(), e);
        }
    }

    synchronized void open() throws IOException {
        opened();
    }

    private Datagrams opened() throws IOException {
        if (socket == null) {
            Datagrams opened = nettyAvailable.getAsBoolean() ? new NettyDatagrams() : jnrDatagrams();
            try {
                Fcntl.setCloseOnExec(opened.fd()); // no leak into processes we exec
                Fcntl.setBlocking(opened.fd()); // a full queue waits, as for sd_notify, instead of EAGAIN
            } catch (IOException e) {
                opened.close();
                throw e;
            }
            socket = opened;
        }
        return socket;
    }

    private Datagrams jnrDatagrams() throws IOException {
        log.debug("sending to [{}] through jnr-unixsocket: netty's epoll library unavailable: {}", address,
                String.valueOf(Epoll.unavailabilityCause()));
        return new JnrDatagrams(UnixDatagramChannel.open());
    }

    NotifySocketAddress address() {
        return address;
    }

    /** The socket's fd, opening it if need be (tests). */
    synchronized int fd() throws IOException {
        return opened().fd();
    }

    @Override
    public synchronized void close() throws IOException {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }

    /** Netty's {@link Socket}; its native sendto reads memory, so heap bytes are copied into one reused direct buffer. */
    private static final class NettyDatagrams implements Datagrams {
        private final Socket socket = Socket.newSocketDomainDgram();
        private ByteBuffer direct = ByteBuffer.allocateDirect(Notifier.MAX_DATAGRAM_BYTES);

        @Override
        public int fd() {
            return socket.intValue();
        }

        @Override
        public int sendTo(ByteBuffer datagram, NotifySocketAddress to) throws IOException {
            ByteBuffer bytes = datagram;
            if (!datagram.isDirect()) {
                if (direct.capacity() < datagram.remaining()) {
                    direct = ByteBuffer.allocateDirect(datagram.remaining()); // a large journal entry
                }
                bytes = direct.clear();
                bytes.put(datagram.duplicate()).flip();
            }
            int sent = socket.sendToDomainSocket(bytes, bytes.position(), bytes.limit(), to.sunPath().getBytes(StandardCharsets.US_ASCII));
            datagram.position(datagram.position() + Math.max(0, sent));
            return sent;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** jnr-unixsocket's channel; jnr sizes the address as 2 + sunPath().length(): exact, without padding (ASCII only). */
    private static final class JnrDatagrams implements Datagrams {
        private final UnixDatagramChannel channel;

        JnrDatagrams(UnixDatagramChannel channel) {
            this.channel = channel;
        }

        @Override
        public int fd() {
            return channel.getFD();
        }

        @Override
        public int sendTo(ByteBuffer datagram, NotifySocketAddress to) throws IOException {
            return channel.send(datagram, new UnixSocketAddress(to.sunPath()));
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
