package io.servd.agent.api;

import io.netty.channel.Channel;
import io.servd.agent.access.PeerCredentials;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Who asked for a change, as the journal records it: a control-socket peer ({@code SO_PEERCRED}:
 * uid and pid), or an HTTP client, which can only have written by holding the bearer token.
 *
 * @param peer the control-socket peer; empty for HTTP
 */
record Caller(Optional<PeerCredentials> peer) {
    Caller {
        Objects.requireNonNull(peer, "peer");
    }

    /** The caller on {@code channel}: {@link PeerCredentials#CONTROL_PEER} marks control-socket connections. */
    static Caller of(Channel channel) {
        Optional<PeerCredentials> control = channel.attr(PeerCredentials.CONTROL_PEER).get();
        return new Caller(control == null ? Optional.empty() : control);
    }

    /** Adds {@code who} and, for a control-socket peer, {@code uid} and {@code pid}. */
    LoggingEventBuilder annotate(LoggingEventBuilder event) {
        event.addKeyValue("who", toString());
        peer.ifPresent(p -> event.addKeyValue("uid", p.uid()).addKeyValue("pid", p.pid()));
        return event;
    }

    /** {@code uid=0 pid=4242}, or {@code token}. */
    @Override
    public String toString() {
        return peer.map(p -> "uid=" + p.uid() + " pid=" + p.pid()).orElse("token");
    }
}
