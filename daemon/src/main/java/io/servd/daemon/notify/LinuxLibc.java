package io.servd.daemon.notify;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Transient;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The few C library functions the notify protocol needs that jnr-posix lacks or gets wrong:
 * {@code clock_gettime} (absent), {@code sendmsg} (jnr-posix keeps the iovec and address in memory
 * that only native code references, which the GC may free before the call), {@code pipe2} (with
 * {@code O_CLOEXEC} atomically) and {@code poll}. Loaded once, on first use: the first datagram with
 * fds or the first {@code MONOTONIC_USEC=}, never for a plain datagram.
 */
final class LinuxLibc {

    /** {@code CLOCK_MONOTONIC}, {@code <linux/time.h>}. */
    static final int CLOCK_MONOTONIC = 1;
    /** {@code O_CLOEXEC}, {@code <asm-generic/fcntl.h>} (x86, arm, riscv). */
    static final int O_CLOEXEC = 0x80000;
    /** {@code MSG_NOSIGNAL}, {@code <bits/socket.h>}: no SIGPIPE, like sd_notify. */
    static final int MSG_NOSIGNAL = 0x4000;
    /** {@code POLLHUP}, {@code <asm-generic/poll.h>}. */
    static final short POLLHUP = 0x10;

    /** Bound by jnr-ffi; public only because the generated proxy requires it. */
    public interface Functions {
        int clock_gettime(int clockId, @Out @Transient Timespec tp);

        @SaveError
        @ssize_t long sendmsg(int fd, @In Pointer msghdr, int flags);

        @SaveError
        int pipe2(@Out int[] fds, int flags);

        @SaveError
        int poll(Pointer pollfds, @size_t long nfds, int timeoutMillis);

        @SaveError
        int close(int fd);
    }

    /** {@code struct timespec}: {@code time_t} and {@code long} are both C {@code long} on Linux. */
    public static final class Timespec extends Struct {
        final SignedLong tvSec = new SignedLong();
        final SignedLong tvNsec = new SignedLong();

        Timespec(Runtime runtime) {
            super(runtime);
        }
    }

    private static volatile Functions functions;

    private LinuxLibc() {
    }

    static Functions functions() {
        Functions f = functions;
        if (f == null) {
            synchronized (LinuxLibc.class) {
                f = functions;
                if (f == null) {
                    f = LibraryLoader.create(Functions.class).load("c");
                    functions = f;
                }
            }
        }
        return f;
    }

    static Runtime runtime() {
        return Runtime.getRuntime(functions());
    }

    /** The symbolic name of the calling thread's last saved errno, e.g. {@code ECONNREFUSED}. */
    static String lastErrno() {
        return io.servd.daemon.fd.Errno.describe(runtime().getLastError());
    }
}
