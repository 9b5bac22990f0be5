package io.servd.daemon.pressure;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The C library calls of the pressure watch: PSI triggers need {@code poll(POLLPRI)} on a file the
 * JDK can only read and write, systemd's watch may be a FIFO or an {@code AF_UNIX} stream socket, and
 * glibc's {@code malloc_trim} gives freed arena memory back. Bound on first use, by jnr-ffi.
 */
final class PressureLibc {
    // <asm-generic/fcntl.h>, <asm-generic/poll.h>, <bits/socket.h> (x86, arm, riscv)
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final short POLLIN = 0x1;
    static final short POLLPRI = 0x2;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;
    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = O_CLOEXEC;
    /** {@code sizeof(struct sockaddr_un)}: a 2-byte family and 108 bytes of path. */
    static final int SOCKADDR_UN_SIZE = 110;

    /** Bound by jnr-ffi; public only because the generated proxy requires it. */
    public interface Functions {
        @SaveError
        int open(String path, int flags);

        @SaveError
        int socket(int domain, int type, int protocol);

        @SaveError
        int connect(int fd, @In byte[] address, int length);

        @SaveError
        @ssize_t long write(int fd, @In byte[] data, @size_t long length);

        @SaveError
        @ssize_t long read(int fd, @Out byte[] data, @size_t long length);

        @SaveError
        int poll(Pointer pollfds, @size_t long nfds, int timeoutMillis);

        @SaveError
        int pipe2(@Out int[] fds, int flags);

        int close(int fd);

        int malloc_trim(@size_t long pad);
    }

    private static final class Holder {
        static final Functions FUNCTIONS = LibraryLoader.create(Functions.class).load("c");
    }

    private PressureLibc() {
    }

    static Functions libc() {
        return Holder.FUNCTIONS;
    }

    static jnr.ffi.Runtime runtime() {
        return jnr.ffi.Runtime.getRuntime(libc());
    }

    /** The calling thread's last saved errno by name, e.g. {@code EINVAL (Invalid argument)}. */
    static String errno() {
        return io.servd.daemon.fd.Errno.describe(runtime().getLastError());
    }

    static boolean interrupted() {
        return runtime().getLastError() == jnr.constants.platform.Errno.EINTR.intValue();
    }
}
