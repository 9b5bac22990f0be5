package io.servd.agent.access;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.servd.agent.http.HttpApi;
import io.servd.agent.config.HttpLimits;
import io.servd.agent.http.Routes;
import io.servd.netpoll.EventLoops;
import io.servd.netpoll.Server;
import io.servd.netpoll.ServerLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;

/**
 * The control socket (DESIGN §3, §6): a Unix stream socket speaking the same HTTP API through the
 * same {@link HttpApi} pipeline, where each accepted connection is marked with its peer's
 * {@code SO_PEERCRED} credentials ({@link PeerCredentials#CONTROL_PEER}) so that
 * {@link WriteAccess} admits writes from root and the configured group only. Reads are open.
 *
 * <p>When servd binds the socket itself it sets mode 0660 and the configured group on the socket
 * file right after binding, so only root, servd and the group can connect at all; the directory
 * ({@code /run/servd}, {@code RuntimeDirectory=servd}) should be 0755 or tighter. servd must be a
 * member of that group to hand the file to it (an owner may only chgrp to its own groups), and
 * under the shipped unit also allowed {@code chown(2)} ({@code SystemCallFilter=@chown}); for the
 * default group, servd's own primary group, the file already has it and nothing is changed. Under
 * socket activation ({@code servd.socket}, fd name {@code control}) systemd creates the file with
 * {@code SocketMode=0660} and {@code SocketGroup=}; use {@link #initializer(Routes)} with
 * {@link EventLoops#adopt}. Peer credentials need the epoll transport: on NIO every write is refused.
 */
public final class ControlSocket {
    /** DESIGN §3's path. */
    public static final Path DEFAULT_PATH = Path.of("/run/servd/control.sock");
    /**
     * Most control connections open at once. Only root, servd and the control group can connect at all,
     * and servctl opens one per command: 64 is far more than any admin script needs, and a cap of its
     * own keeps the write path usable while the HTTP listener is at its cap.
     */
    public static final int MAX_CONNECTIONS = 64;

    private ControlSocket() {
    }

    /** {@link #listenerLimits(HttpLimits, int)} at {@link #MAX_CONNECTIONS}. */
    public static ServerLimits listenerLimits(HttpLimits limits) {
        return listenerLimits(limits, MAX_CONNECTIONS);
    }

    /**
     * The listener limits of the control socket: {@code maxConnections} (at most {@link #MAX_CONNECTIONS};
     * fewer where direct memory holds fewer), one more is closed at once without a word (a Unix-socket
     * client sees end-of-stream, not a hang), and the HTTP idle timeout.
     */
    public static ServerLimits listenerLimits(HttpLimits limits, int maxConnections) {
        if (maxConnections < 1 || maxConnections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException("control connections must be in [1, " + MAX_CONNECTIONS + "], got ["
                    + maxConnections + "]");
        }
        return ServerLimits.none().withMaxConnections(maxConnections).withIdleTimeout(limits.idleTimeout());
    }

    /** {@link #initializer(Routes, HttpLimits)} with the default timeouts. */
    public static ChannelInitializer<Channel> initializer(Routes routes) {
        return initializer(routes, HttpLimits.defaults());
    }

    /**
     * The per-connection setup: peer credentials first, then the HTTP pipeline answering {@code routes}
     * with the header and read timeouts of {@code limits}.
     */
    public static ChannelInitializer<Channel> initializer(Routes routes, HttpLimits limits) {
        Objects.requireNonNull(routes, "routes");
        HttpApi http = new HttpApi(routes, limits);
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.attr(PeerCredentials.CONTROL_PEER).set(PeerCredentials.of(ch));
                ch.pipeline().addLast("http-api", http);
            }
        };
    }

    /**
     * Binds the control socket at {@code path} (which must not exist), then restricts it to mode 0660
     * and {@code group}.
     *
     * @throws IOException when binding fails, or the mode or group cannot be set (the socket is closed then)
     */
    public static Server bind(EventLoops loops, Path path, ServerLimits limits, Routes routes, Optional<String> group)
            throws IOException {
        return bind(loops, path, limits, initializer(routes), group);
    }

    /** As {@link #bind(EventLoops, Path, ServerLimits, Routes, Optional)}, with an {@link #initializer} already made. */
    public static Server bind(EventLoops loops, Path path, ServerLimits limits, ChannelInitializer<Channel> initializer,
                              Optional<String> group) throws IOException {
        Server server = loops.bind(path, limits, initializer);
        try {
            restrict(path, group);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * {@code chmod 0660} and {@code chgrp group} by path: the JDK's no-follow variant opens the file,
     * which a socket refuses (ENXIO). The path is the one just bound, in servd's own directory.
     */
    static void restrict(Path path, Optional<String> group) throws IOException {
        if (Files.isSymbolicLink(path)) {
            throw new IOException("control socket path is a symlink [" + path + "]");
        }
        var view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setPermissions(PosixFilePermissions.fromString("rw-rw----"));
        if (group.isPresent()) {
            GroupPrincipal principal;
            try {
                principal = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group.get());
            } catch (IOException e) {
                throw new IOException("control socket group does not exist [" + group.get() + "]", e);
            }
            if (view.readAttributes().group().equals(principal)) {
                return; // already ours (servd's primary group): no chown(2), which the unit's filter refuses
            }
            try {
                view.setGroup(principal);
            } catch (IOException e) {
                throw new IOException("cannot give control socket [" + path + "] to group [" + group.get() + "]: "
                        + e.getMessage(), e);
            }
        }
    }
}
