package io.servd.daemon.logging;

import java.io.IOException;
import java.lang.ref.Reference;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * An anonymous memory file ({@code memfd_create(2)}) holding a byte payload, sealed against any
 * further change — the form journald accepts for entries too large for one datagram.
 */
final class SealedMemfd {

    private static final int MFD_CLOEXEC = 0x1;
    private static final int MFD_ALLOW_SEALING = 0x2;
    /** {@code F_ADD_SEALS} / {@code F_GET_SEALS}: {@code F_LINUX_SPECIFIC_BASE} (1024) + 9 / + 10. */
    static final int F_ADD_SEALS = 1033;
    static final int F_GET_SEALS = 1034;
    /** {@code F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE}. */
    static final int ALL_SEALS = 0x1 | 0x2 | 0x4 | 0x8;

    /** Bound by jnr-ffi; public only because the generated proxy requires it. */
    public interface Functions {
        @SaveError
        int memfd_create(String name, int flags);

        @SaveError
        @ssize_t long write(int fd, Pointer buf, @size_t long count);

        @SaveError
        @Variadic(fixedCount = 2)
        int fcntl(int fd, int cmd, int arg);

        @SaveError
        int close(int fd);
    }

    private static volatile Functions functions;

    private SealedMemfd() {
    }

    static Functions functions() {
        Functions f = functions;
        if (f == null) {
            synchronized (SealedMemfd.class) {
                f = functions;
                if (f == null) {
                    f = LibraryLoader.create(Functions.class).load("c");
                    functions = f;
                }
            }
        }
        return f;
    }

    /**
     * A new sealed memfd containing {@code payload}; the caller closes it.
     *
     * @throws IOException naming the failing call and errno
     */
    static int create(String name, byte[] payload) throws IOException {
        Functions libc = functions();
        Runtime rt = Runtime.getRuntime(libc);
        int fd = libc.memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0) {
            throw new IOException("memfd_create failed [errno=" + rt.getLastError() + "]");
        }
        try {
            Pointer data = Memory.allocateDirect(rt, Math.max(1, payload.length));
            data.put(0, payload, 0, payload.length);
            long written = 0;
            while (written < payload.length) {
                long n = libc.write(fd, data.slice(written), payload.length - written);
                if (n < 0) {
                    throw new IOException("write to memfd failed [errno=" + rt.getLastError() + "]");
                }
                written += n;
            }
            Reference.reachabilityFence(data);
            if (libc.fcntl(fd, F_ADD_SEALS, ALL_SEALS) < 0) {
                throw new IOException("sealing memfd failed [errno=" + rt.getLastError() + "]");
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            libc.close(fd);
            throw e;
        }
    }

    static void close(int fd) {
        functions().close(fd);
    }
}
