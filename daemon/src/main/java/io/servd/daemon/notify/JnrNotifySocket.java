package io.servd.daemon.notify;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;

/**
 * {@link NotifySocket} over an unbound AF_UNIX datagram socket from jnr-unixsocket (the JDK has no
 * AF_UNIX datagrams). The socket is opened on the first send and reused; sends are serialised.
 * Datagrams with fds go through {@link ScmRights} on the same socket.
 */
final class JnrNotifySocket implements FdNotifySocket {

    private final NotifySocketAddress address;
    private final UnixSocketAddress target;
    private UnixDatagramChannel channel; // guarded by this

    JnrNotifySocket(NotifySocketAddress address) {
        this.address = Objects.requireNonNull(address, "address");
        // jnr sizes the address as 2 + sunPath().length(): exact, without padding (ASCII only).
        this.target = new UnixSocketAddress(address.sunPath());
    }

    @Override
    public synchronized void send(ByteBuffer datagram) throws IOException {
        int expected = datagram.remaining();
        int sent;
        try {
            sent = openChannel().send(datagram, target);
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
            ScmRights.send(openChannel().getFD(), address.sockaddr(), datagram, fds);
        } catch (IOException e) {
            throw new IOException("sending to " + address.label() + " [" + address + "] failed: " + e.getMessage(), e);
        }
    }

    synchronized void open() throws IOException {
        openChannel();
    }

    private UnixDatagramChannel openChannel() throws IOException {
        if (channel == null) {
            UnixDatagramChannel opened = UnixDatagramChannel.open();
            try {
                LinuxLibc.setCloseOnExec(opened.getFD()); // no leak into processes we exec
            } catch (IOException e) {
                opened.close();
                throw e;
            }
            channel = opened;
        }
        return channel;
    }

    NotifySocketAddress address() {
        return address;
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
