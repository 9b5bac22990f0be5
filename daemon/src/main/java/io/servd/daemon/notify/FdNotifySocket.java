package io.servd.daemon.notify;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A {@link NotifySocket} that can also pass file descriptors ({@code SCM_RIGHTS}), as
 * {@code FDSTORE=1}, {@code BARRIER=1} and journald's large-entry protocol require. The socket from
 * {@link Notifier#fromEnvironment(java.util.Map)} is one; {@link #unixDatagram} opens others.
 */
public interface FdNotifySocket extends NotifySocket, AutoCloseable {

    /**
     * An AF_UNIX datagram socket sending to {@code address}, opened on first use: Netty's native socket,
     * with jnr loaded only for fds (see {@code UnixNotifySocket}).
     *
     * @param label what the address is, for messages (e.g. {@code journal socket})
     * @param address an absolute path or {@code @abstract} name (the {@code NOTIFY_SOCKET} syntax)
     * @throws IllegalArgumentException if {@code address} is malformed, naming {@code label}
     */
    static FdNotifySocket unixDatagram(String label, String address) {
        return new UnixNotifySocket(new NotifySocketAddress(label, address));
    }

    /**
     * Sends {@code datagram} (position to limit) as one datagram with {@code fds} attached; the
     * receiver gets its own duplicates, ours stay open.
     *
     * @param fds 1 to 253 open file descriptor numbers
     * @throws IOException if the kernel refused the message (e.g. {@code EBADF} for a closed fd)
     */
    void sendWithFds(ByteBuffer datagram, int[] fds) throws IOException;

    /** Releases the socket, if one was opened; nothing by default. */
    @Override
    default void close() throws IOException {
    }
}
