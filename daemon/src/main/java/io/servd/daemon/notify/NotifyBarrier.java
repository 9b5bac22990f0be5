package io.servd.daemon.notify;

import java.io.IOException;
import java.lang.ref.Reference;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * {@code BARRIER=1} as {@code sd_notify_barrier(3)} does it: send the write end of a fresh pipe
 * with the message, close our copy, and wait until the read end reports {@code POLLHUP}. systemd
 * closes its copy only after it processed every datagram we sent before, so a returned barrier
 * means "all earlier messages were seen".
 */
final class NotifyBarrier {

    private static final NotifyMessage BARRIER = new NotifyMessage.Plain("BARRIER=1");

    private NotifyBarrier() {
    }

    /**
     * @throws SocketTimeoutException if the service manager did not close the pipe in time
     * @throws IOException if the pipe could not be made or the message not sent
     */
    static void await(FdNotifySocket socket, Duration timeout) throws IOException {
        LinuxLibc.Functions libc = LinuxLibc.functions();
        int[] pipe = new int[2];
        if (libc.pipe2(pipe, LinuxLibc.O_CLOEXEC) != 0) {
            throw new IOException("pipe2 for BARRIER=1 failed: " + LinuxLibc.lastErrno());
        }
        int readEnd = pipe[0];
        int writeEnd = pipe[1];
        try {
            try {
                socket.sendWithFds(Notifier.encode(List.of(BARRIER)), new int[] {writeEnd});
            } finally {
                libc.close(writeEnd);
            }
            awaitHangup(libc, readEnd, timeout);
        } finally {
            libc.close(readEnd);
        }
    }

    private static void awaitHangup(LinuxLibc.Functions libc, int fd, Duration timeout) throws IOException {
        // struct pollfd { int fd; short events; short revents; }; POLLHUP is reported unasked.
        Pointer pollfd = Memory.allocateDirect(LinuxLibc.runtime(), 8, true);
        pollfd.putInt(0, fd);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime() + 999_999);
                int ready = libc.poll(pollfd, 1, (int) Math.max(0, Math.min(Integer.MAX_VALUE, leftMillis)));
                if (ready > 0) {
                    short revents = pollfd.getShort(6);
                    if ((revents & LinuxLibc.POLLHUP) != 0) {
                        return;
                    }
                    throw new IOException("unexpected poll events [" + revents + "] on BARRIER=1 pipe");
                }
                if (ready == 0 || deadline - System.nanoTime() <= 0) {
                    throw new SocketTimeoutException(
                            "service manager did not acknowledge BARRIER=1 within [" + timeout + "]");
                }
                String errno = LinuxLibc.lastErrno();
                if (!errno.startsWith("EINTR")) {
                    throw new IOException("poll on BARRIER=1 pipe failed: " + errno);
                }
            }
        } finally {
            Reference.reachabilityFence(pollfd);
        }
    }
}
