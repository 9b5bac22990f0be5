package io.servd.daemon.activation;

import io.servd.daemon.fd.Fcntl;
import java.io.IOException;

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

    /**
     * {@code fcntl(F_GETFD)} / {@code fcntl(F_SETFD, flags | FD_CLOEXEC)} ({@link Fcntl}); binds fcntl on
     * the first fd, so a start without {@code LISTEN_FDS} loads nothing native for it.
     */
    static CloseOnExec system() {
        return Fcntl::setCloseOnExec;
    }
}
