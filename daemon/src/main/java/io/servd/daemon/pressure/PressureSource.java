package io.servd.daemon.pressure;

import java.io.EOFException;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * An open memory-pressure watch, as systemd's {@code MEMORY_PRESSURE.md} defines it for the three
 * kinds of inode {@code $MEMORY_PRESSURE_WATCH} may name: a regular (PSI) file is opened, the trigger
 * written, and {@code POLLPRI} is an event, never read; a FIFO is opened, the trigger written, and
 * {@code POLLIN} is an event whose data is read and discarded; an {@code AF_UNIX} stream socket is
 * connected, the trigger written, and {@code POLLIN} is an event whose data is discarded.
 */
final class PressureSource implements AutoCloseable {
    enum Kind {
        PSI_FILE(PressureLibc.POLLPRI), FIFO(PressureLibc.POLLIN), SOCKET(PressureLibc.POLLIN);

        final short events;

        Kind(short events) {
            this.events = events;
        }
    }

    /** What {@link #await} saw. */
    enum Wakeup { PRESSURE, WOKEN, TIMEOUT }

    // st_mode & S_IFMT, <sys/stat.h>
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFSOCK = 0140000;

    private final Path path;
    private final Kind kind;
    private final int fd;
    private final byte[] scratch = new byte[512];

    private PressureSource(Path path, Kind kind, int fd) {
        this.path = path;
        this.kind = kind;
        this.fd = fd;
    }

    /**
     * Opens (or connects to) {@code path} and writes {@code trigger} into it, if not empty.
     *
     * @throws IOException naming the path and the OS error: not there, not permitted, a trigger the
     *         kernel refused ({@code EINVAL}), an inode of another kind
     */
    static PressureSource open(Path path, byte[] trigger) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode");
        Kind kind = switch (mode & S_IFMT) {
            case S_IFREG -> Kind.PSI_FILE;
            case S_IFIFO -> Kind.FIFO;
            case S_IFSOCK -> Kind.SOCKET;
            default -> throw new IOException("memory pressure watch [" + path
                    + "] is neither a regular file, a FIFO nor a socket (mode [" + Integer.toOctalString(mode) + "])");
        };
        PressureLibc.Functions libc = PressureLibc.libc();
        int fd = kind == Kind.SOCKET ? connect(path)
                : libc.open(path.toString(), (trigger.length > 0 || kind == Kind.FIFO ? PressureLibc.O_RDWR
                        : PressureLibc.O_RDONLY) | PressureLibc.O_NONBLOCK | PressureLibc.O_CLOEXEC);
        if (fd < 0) {
            throw new IOException("cannot open memory pressure watch [" + path + "]: " + PressureLibc.errno());
        }
        var source = new PressureSource(path, kind, fd);
        try {
            source.write(trigger);
            if (kind == Kind.FIFO) {
                source.discard(); // opened read-write (no writer needed, no POLLHUP): our own trigger comes back
            }
        } catch (IOException e) {
            source.close();
            throw e;
        }
        return source;
    }

    Kind kind() {
        return kind;
    }

    Path path() {
        return path;
    }

    /**
     * Waits up to {@code timeoutMillis} for a pressure event or for {@code wakeFd} to become readable.
     * An event's data (FIFO, socket) is consumed here.
     *
     * @throws EOFException if the socket's other end closed it
     * @throws IOException if {@code poll} fails or reports an error on the watch
     */
    Wakeup await(int wakeFd, long timeoutMillis) throws IOException {
        return poll(this, wakeFd, timeoutMillis);
    }

    /** As {@link #await}, for {@code source} or, if it is null, only {@code wakeFd}. */
    static Wakeup poll(PressureSource source, int wakeFd, long timeoutMillis) throws IOException {
        // struct pollfd { int fd; short events; short revents; } x 2: the wake pipe, then the watch
        Pointer fds = Memory.allocateDirect(PressureLibc.runtime(), 16, true);
        fds.putInt(0, wakeFd);
        fds.putShort(4, PressureLibc.POLLIN);
        fds.putInt(8, source == null ? -1 : source.fd); // a negative fd is ignored by poll(2)
        fds.putShort(12, source == null ? 0 : source.kind.events);
        try {
            int ready = PressureLibc.libc().poll(fds, 2, (int) Math.min(Integer.MAX_VALUE, Math.max(0, timeoutMillis)));
            if (ready < 0) {
                if (PressureLibc.interrupted()) {
                    return Wakeup.TIMEOUT;
                }
                throw new IOException("poll on memory pressure watch failed: " + PressureLibc.errno());
            }
            if ((fds.getShort(6) & PressureLibc.POLLIN) != 0) {
                return Wakeup.WOKEN;
            }
            short revents = fds.getShort(14);
            if (source == null || revents == 0) {
                return Wakeup.TIMEOUT;
            }
            if ((revents & (PressureLibc.POLLERR | PressureLibc.POLLNVAL)) != 0
                    || (revents & source.kind.events) == 0) {
                throw new IOException("memory pressure watch [" + source.path + "] reports poll events [0x"
                        + Integer.toHexString(revents) + "]" + (source.kind == Kind.PSI_FILE
                        ? " (its cgroup was removed?)" : ""));
            }
            if (source.kind != Kind.PSI_FILE) {
                source.discard();
            }
            return Wakeup.PRESSURE;
        } finally {
            Reference.reachabilityFence(fds);
        }
    }

    @Override
    public void close() {
        PressureLibc.libc().close(fd);
    }

    private void write(byte[] data) throws IOException {
        int off = 0;
        while (off < data.length) {
            byte[] rest = off == 0 ? data : java.util.Arrays.copyOfRange(data, off, data.length);
            long n = PressureLibc.libc().write(fd, rest, rest.length);
            if (n < 0) {
                throw new IOException("writing trigger [" + printable(data) + "] to memory pressure watch [" + path
                        + "] failed: " + PressureLibc.errno());
            }
            off += (int) n;
        }
    }

    /** Reads what is queued: a FIFO until it would block; a socket once (poll said it is readable). */
    private void discard() throws IOException {
        while (true) {
            long n = PressureLibc.libc().read(fd, scratch, scratch.length);
            if (n == 0 && kind == Kind.SOCKET) {
                throw new EOFException("memory pressure watch [" + path + "] was closed by the other end");
            }
            if (n <= 0 || kind == Kind.SOCKET) {
                return; // EAGAIN: the FIFO is empty
            }
        }
    }

    private static int connect(Path path) throws IOException {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length >= PressureLibc.SOCKADDR_UN_SIZE - 2) {
            throw new IOException("socket path [" + path + "] is longer than sockaddr_un allows");
        }
        // struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; }, NUL-terminated path
        byte[] address = ByteBuffer.allocate(2 + name.length + 1).order(ByteOrder.nativeOrder())
                .putShort((short) PressureLibc.AF_UNIX).put(name).put((byte) 0).array();
        PressureLibc.Functions libc = PressureLibc.libc();
        int fd = libc.socket(PressureLibc.AF_UNIX, PressureLibc.SOCK_STREAM | PressureLibc.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("socket(AF_UNIX) failed: " + PressureLibc.errno());
        }
        if (libc.connect(fd, address, address.length) != 0) {
            String errno = PressureLibc.errno();
            libc.close(fd);
            throw new IOException("cannot connect to memory pressure watch [" + path + "]: " + errno);
        }
        return fd;
    }

    /** The trigger as text for messages: systemd's ends in a NUL ({@code "some 200000 2000000\0"}). */
    static String printable(byte[] data) {
        return new String(data, StandardCharsets.US_ASCII).replace("\0", "\\0");
    }
}
