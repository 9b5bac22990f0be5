package io.servd.daemon.fd;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.LastError;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;
import java.io.IOException;

/**
 * {@code fcntl(2)} on an fd number: close-on-exec and blocking mode, which neither the JDK nor Netty
 * can set on a socket they did not open. Called through jffi, the JNI core of jnr-ffi, without jnr-ffi's
 * binding generator or jnr-posix on top: a start that sets these flags loads 44 classes for it, against
 * jnr-ffi's 190 and jnr-posix's 400 (class-load logs of one fcntl, JDK 17 on the build host). Bound once, on
 * first use; thread-safe.
 */
public final class Fcntl {

    /** {@code F_GETFD}, {@code F_SETFD}, {@code F_GETFL}, {@code F_SETFL}, {@code <asm-generic/fcntl.h>}. */
    private static final int F_GETFD = 1;
    private static final int F_SETFD = 2;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    /** {@code FD_CLOEXEC}, POSIX {@code <fcntl.h>}. */
    private static final int FD_CLOEXEC = 1;
    /** {@code O_NONBLOCK}, {@code <asm-generic/fcntl.h>} (x86, arm, riscv). */
    private static final int O_NONBLOCK = 0x800;

    private Fcntl() {
    }

    /** {@code int fcntl(int fd, int cmd, ...)}: variadic after two fixed arguments, errno saved. */
    private static final class Bound {
        static final long ADDRESS = Library.getDefault().getSymbolAddress("fcntl");
        static final CallContext CONTEXT = CallContext.getCallContext(Type.SINT, 2,
                new Type[] {Type.SINT, Type.SINT, Type.SINT}, CallingConvention.DEFAULT, true);

        static {
            if (ADDRESS == 0) {
                throw new UnsatisfiedLinkError("no fcntl in the C library: " + Library.getLastError());
            }
        }
    }

    /**
     * Sets {@code FD_CLOEXEC} on {@code fd}, keeping its other descriptor flags; a no-op when it is set.
     *
     * @throws IOException naming the fd and the errno if {@code fd} is not open ({@code EBADF}) or fcntl fails
     */
    public static void setCloseOnExec(int fd) throws IOException {
        int flags = call(fd, F_GETFD, 0, "FD_CLOEXEC");
        if ((flags & FD_CLOEXEC) == 0) {
            call(fd, F_SETFD, flags | FD_CLOEXEC, "FD_CLOEXEC");
        }
    }

    /**
     * Clears {@code O_NONBLOCK} on {@code fd}, keeping its other status flags; a no-op when it is clear.
     *
     * @throws IOException as {@link #setCloseOnExec(int)}
     */
    public static void setBlocking(int fd) throws IOException {
        int flags = call(fd, F_GETFL, 0, "blocking mode");
        if ((flags & O_NONBLOCK) != 0) {
            call(fd, F_SETFL, flags & ~O_NONBLOCK, "blocking mode");
        }
    }

    private static int call(int fd, int cmd, int arg, String what) throws IOException {
        int result = Invoker.getInstance().invokeI3(Bound.CONTEXT, Bound.ADDRESS, fd, cmd, arg);
        if (result < 0) {
            throw new IOException("setting " + what + " on fd [" + fd + "] failed: "
                    + Errno.describe(LastError.getInstance().get()));
        }
        return result;
    }
}
