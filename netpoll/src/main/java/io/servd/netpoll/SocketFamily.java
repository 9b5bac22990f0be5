package io.servd.netpoll;

/** The kind of an inherited listening socket (systemd's {@code ListenStream=} port or path). */
public enum SocketFamily {
    /** {@code AF_INET} or {@code AF_INET6} stream socket. */
    TCP,
    /** {@code AF_UNIX} stream socket. */
    UNIX
}
