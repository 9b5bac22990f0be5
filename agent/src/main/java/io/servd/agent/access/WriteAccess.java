package io.servd.agent.access;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.servd.agent.http.Reply;
import io.servd.agent.http.Routes;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a write request may proceed (DESIGN §6). A connection accepted by the control
 * socket carries {@link PeerCredentials#CONTROL_PEER}: root or a member of {@link ControlGroup} may
 * write, anyone else (or an unknown peer) gets 403. Any other connection is HTTP: without a token
 * file writes are disabled (403); with one, {@code Authorization: Bearer <token>} is required (401).
 *
 * @param token the HTTP token; empty disables HTTP writes
 * @param group who may write through the control socket
 */
public record WriteAccess(Optional<BearerToken> token, ControlGroup group) {
    private static final Logger log = LoggerFactory.getLogger(WriteAccess.class);

    public WriteAccess {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(group, "group");
    }

    /**
     * The refusal to answer with, or empty when the request may write: decided on the request's head
     * (a {@link Routes.HeadCheck}), before any body byte is read.
     */
    public Optional<Reply> refusal(Routes.Head request) {
        // Netty answers null for an attribute never set: HTTP connections, which ControlSocket did not accept.
        Optional<Optional<PeerCredentials>> controlPeer =
                Optional.ofNullable(request.channel().attr(PeerCredentials.CONTROL_PEER).get());
        if (controlPeer.isPresent()) {
            return refusalOnControlSocket(controlPeer.get());
        }
        if (token.isEmpty()) {
            return Optional.of(Reply.error(HttpResponseStatus.FORBIDDEN, "forbidden",
                    "writes over HTTP are disabled: no token file is configured; use the control socket"));
        }
        String authorization = request.http().headers().get(HttpHeaderNames.AUTHORIZATION);
        if (!token.get().matches(authorization)) {
            return Optional.of(Reply.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    authorization == null ? "missing [Authorization: Bearer <token>] header" : "wrong bearer token")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"servd\""));
        }
        return Optional.empty();
    }

    private Optional<Reply> refusalOnControlSocket(Optional<PeerCredentials> peer) {
        if (peer.isEmpty()) {
            return Optional.of(Reply.error(HttpResponseStatus.FORBIDDEN, "forbidden",
                    "peer credentials unavailable on this transport: control-socket writes need epoll"));
        }
        try {
            if (group.admits(peer.get())) {
                return Optional.empty();
            }
        } catch (IOException e) {
            log.warn("reading the group database failed, refusing [{}]: {}", peer.get(), e.getMessage());
        }
        return Optional.of(Reply.error(HttpResponseStatus.FORBIDDEN, "forbidden", "peer [" + peer.get()
                + "] is not root" + group.group().map(g -> " nor in group [" + g + "]").orElse("")));
    }
}
