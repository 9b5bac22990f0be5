package io.servd.netpoll;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link Transport#detect(NetpollConfig)}: the transport to use and, for each
 * native transport tried before it and found unavailable, why. The caller logs it once, e.g.
 * {@code transport [epoll]} at INFO and {@code transport [io_uring] unavailable: <reason>} per skip.
 *
 * @param transport the chosen transport, available
 * @param requested the preference it was chosen for
 * @param skipped   native transports tried first and unavailable, in the order tried; empty when the
 *                  first candidate was available or the preference was explicit
 */
public record TransportSelection(Transport transport, Preference requested, List<Skipped> skipped) {
    public TransportSelection {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(requested, "requested");
        skipped = List.copyOf(skipped);
    }

    /**
     * A native transport that {@code auto} skipped.
     *
     * @param transport its configuration value, e.g. {@code io_uring}
     * @param cause     Netty's {@code unavailabilityCause()}, or the {@link LinkageError} of a missing class
     */
    public record Skipped(String transport, Throwable cause) {
        public Skipped {
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(cause, "cause");
        }

        /** One line for the log: the cause's message, or its class name when it has none. */
        public String reason() {
            return Transport.describe(cause);
        }
    }
}
