package io.servd.netpoll;

/**
 * A transport was required (configured explicitly, or asked for by name) but cannot be used here.
 * The message names the transport and the reason; {@link #getCause()} is Netty's
 * {@code unavailabilityCause()} or the {@link LinkageError} of a missing class.
 */
public final class TransportUnavailableException extends IllegalStateException {
    private final String transport;

    TransportUnavailableException(String transport, Throwable cause) {
        super("transport [" + transport + "] unavailable: " + Transport.describe(cause), cause);
        this.transport = transport;
    }

    /** The configuration value of the transport, e.g. {@code io_uring}. */
    public String transport() {
        return transport;
    }
}
