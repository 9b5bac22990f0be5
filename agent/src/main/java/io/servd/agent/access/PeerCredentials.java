package io.servd.agent.access;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.util.Optional;

/**
 * Who is at the other end of a control-socket connection, from {@code SO_PEERCRED} (the
 * credentials the peer had when it connected; they cannot be forged by the peer).
 *
 * @param pid the peer's process id
 * @param uid its effective user id
 * @param gid its effective (primary) group id
 */
public record PeerCredentials(int pid, int uid, int gid) {

    /**
     * Set on every control-socket connection when it is accepted: the peer's credentials, or empty
     * when the transport cannot tell (NIO has no {@code SO_PEERCRED}). Its presence marks the
     * connection as a control-socket one; HTTP connections never carry it.
     */
    public static final AttributeKey<Optional<PeerCredentials>> CONTROL_PEER =
            AttributeKey.valueOf(PeerCredentials.class, "controlPeer");

    /**
     * Reads the credentials of a connected Unix socket channel.
     *
     * @return empty when the transport offers no peer credentials, or reading them failed
     */
    public static Optional<PeerCredentials> of(Channel channel) {
        if (channel instanceof EpollDomainSocketChannel epoll) {
            try {
                var c = epoll.peerCredentials();
                int[] gids = c.gids(); // SO_PEERCRED carries one gid, the peer's effective one
                return gids.length == 0 ? Optional.empty() : Optional.of(new PeerCredentials(c.pid(), c.uid(), gids[0]));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "pid=" + pid + " uid=" + uid + " gid=" + gid;
    }
}
