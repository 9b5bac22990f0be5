package io.servd.daemon.activation;

import java.io.IOException;

/**
 * The service manager passed a set of fds we must not adopt: an unparseable variable, a name count
 * that does not match the fd count, or an fd that is not open. The whole set is rejected, as
 * {@code sd_listen_fds_with_names(3)} returns {@code -EINVAL}; the message brackets the raw values.
 */
public final class ListenFdsException extends IOException {

    private static final long serialVersionUID = 1L;

    public ListenFdsException(String message) {
        super(message);
    }

    ListenFdsException(String message, Throwable cause) {
        super(message, cause);
    }
}
