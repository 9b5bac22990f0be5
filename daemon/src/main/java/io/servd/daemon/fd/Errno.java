package io.servd.daemon.fd;

/** The one way servd's native calls name an {@code errno} in a message. */
public final class Errno {

    private Errno() {
    }

    /**
     * {@code errno}'s symbol and text, e.g. {@code EBADF (Bad file descriptor)}, from jnr-constants' table
     * (loaded on the first failure only), or {@code errno 9999} for a number it does not know.
     */
    public static String describe(int errno) {
        jnr.constants.platform.Errno known = jnr.constants.platform.Errno.valueOf(errno);
        return known == jnr.constants.platform.Errno.__UNKNOWN_CONSTANT__
                ? "errno " + errno
                : known.name() + " (" + known.description() + ")";
    }
}
