package io.servd.daemon.notify;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where notification datagrams go: systemd's {@code NOTIFY_SOCKET} in production, anything in a
 * test. One datagram per call; the buffer's remaining bytes are the whole message.
 */
@FunctionalInterface
public interface NotifySocket {

    /**
     * Sends {@code datagram} (position to limit) as one datagram.
     *
     * @throws IOException if the datagram could not be sent (no listener: {@code ECONNREFUSED} or
     *     {@code ENOENT}; full receive queue: {@code EAGAIN})
     */
    void send(ByteBuffer datagram) throws IOException;
}
