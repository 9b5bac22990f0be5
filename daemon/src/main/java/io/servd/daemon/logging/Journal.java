package io.servd.daemon.logging;

import io.servd.daemon.notify.FdNotifySocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A client of journald's native protocol, as go-systemd's {@code journal.Send}: one
 * {@link JournalEntry} per datagram to {@code /run/systemd/journal/socket}. An entry too large for
 * one datagram (the kernel refuses it, typically {@code EMSGSIZE}) is written to a sealed memfd
 * that is passed with {@code SCM_RIGHTS} in an empty datagram, as {@code sd_journal_sendv} does.
 * Needs no logging backend: Logback users get {@code io.servd.daemon.logback.JournalAppender}
 * (module {@code servd-daemon-logback}) on top of it.
 *
 * @see <a href="https://systemd.io/JOURNAL_NATIVE_PROTOCOL/">Native Journal Protocol</a>
 */
public final class Journal implements AutoCloseable {

    /** Where journald listens for native entries. */
    public static final String DEFAULT_SOCKET = "/run/systemd/journal/socket";

    private final FdNotifySocket socket;

    private Journal(FdNotifySocket socket) {
        this.socket = socket;
    }

    /**
     * The journal at {@code address}; nothing is opened until the first {@link #send}.
     *
     * @param address an absolute path (normally {@value #DEFAULT_SOCKET}) or {@code @abstract} name
     * @throws IllegalArgumentException if {@code address} is malformed, naming it
     */
    public static Journal open(String address) {
        return new Journal(FdNotifySocket.unixDatagram("journal socket", Objects.requireNonNull(address, "address")));
    }

    /**
     * Sends one entry: in a datagram, or through a sealed memfd when the datagram is refused.
     *
     * @throws IOException when journald takes it neither way (the memfd attempt's failure, with the
     *                     datagram's as suppressed): the journal is down or the entry is over its limits
     */
    public void send(JournalEntry entry) throws IOException {
        byte[] bytes = entry.toBytes();
        try {
            socket.send(ByteBuffer.wrap(bytes));
        } catch (IOException tooLargeOrDown) {
            // Retry once through a memfd: if the journal is down this fails too, and that is the error we report.
            int memfd = SealedMemfd.create("journal-entry", bytes);
            try {
                socket.sendWithFds(ByteBuffer.allocate(0), new int[] {memfd});
            } catch (IOException e) {
                e.addSuppressed(tooLargeOrDown);
                throw e;
            } finally {
                SealedMemfd.close(memfd);
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
