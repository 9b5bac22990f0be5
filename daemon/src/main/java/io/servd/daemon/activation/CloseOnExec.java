package io.servd.daemon.activation;

import java.io.IOException;
import jnr.constants.platform.Fcntl;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * Sets {@code FD_CLOEXEC} on an inherited fd, so that processes we exec do not inherit our
 * listening sockets. Injected so that tests need not touch fds 3, 4, … of the test JVM.
 */
@FunctionalInterface
public interface CloseOnExec {

    /**
     * Marks {@code fd} close-on-exec, keeping its other descriptor flags.
     *
     * @throws IOException if {@code fd} is not open ({@code EBADF}) or fcntl fails otherwise
     */
    void set(int fd) throws IOException;

    /** {@code fcntl(F_GETFD)} / {@code fcntl(F_SETFD, flags | FD_CLOEXEC)} through jnr-posix. */
    static CloseOnExec system() {
        return new CloseOnExec() {
            /** {@code FD_CLOEXEC}, POSIX {@code <fcntl.h>}. */
            private static final int FD_CLOEXEC = 1;
            private final POSIX posix = POSIXFactory.getNativePOSIX();

            @Override
            public void set(int fd) throws IOException {
                int flags = posix.fcntl(fd, Fcntl.F_GETFD);
                if (flags < 0 || (flags & FD_CLOEXEC) == 0
                        && posix.fcntlInt(fd, Fcntl.F_SETFD, flags | FD_CLOEXEC) < 0) {
                    int errno = posix.errno();
                    throw new IOException("setting FD_CLOEXEC on fd [" + fd + "] failed: " + posix.strerror(errno));
                }
            }
        };
    }
}
