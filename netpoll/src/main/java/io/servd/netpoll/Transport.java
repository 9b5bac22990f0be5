package io.servd.netpoll;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One of Netty's transports: epoll, io_uring, kqueue or NIO, behind the same server code.
 *
 * <p>An instance probes its transport once, when created (for a native transport this loads the
 * native library), and keeps the cause if it is unavailable, as Netty's {@code Epoll} does. Obtain
 * one through {@link #detect(NetpollConfig)} at start-up; {@link #of(Preference)} and {@link #all()}
 * exist for tests and diagnostics.
 */
public abstract sealed class Transport permits EpollTransport, IoUringTransport, KQueueTransport, NioTransport {
    /**
     * Order in which {@code auto} tries transports. epoll first: it alone adopts inherited
     * (socket-activated) fds, and bench/results/2026-11-26.md measured it 7 % ahead of NIO in
     * requests per CPU-second; io_uring was 10 % ahead of epoll with C1 but level with C2, and peaks
     * ~2.4 MB higher, so it comes next, before NIO, which it beats either way; kqueue on BSD/macOS;
     * NIO everywhere.
     */
    public static final List<Preference> AUTO_ORDER =
            List.of(Preference.EPOLL, Preference.IO_URING, Preference.KQUEUE, Preference.NIO);

    private static final InternalLogger log = InternalLoggerFactory.getInstance(Transport.class);

    private final Preference kind;
    private final Optional<Throwable> unavailabilityCause;

    Transport(Preference kind, Optional<Throwable> unavailabilityCause) {
        this.kind = kind;
        this.unavailabilityCause = unavailabilityCause;
    }

    /**
     * Picks the transport for {@code config.transport()}: for {@code auto}, the first available one
     * of {@link #AUTO_ORDER} (NIO always is), recording why each native one before it was skipped;
     * otherwise exactly the one asked for. Native transports after the chosen one are not probed, so
     * their libraries are never loaded. Call once, at start-up.
     *
     * @throws TransportUnavailableException if an explicitly configured transport is unavailable,
     *                                       naming it and the cause
     */
    public static TransportSelection detect(NetpollConfig config) {
        return detect(config, Transport::of);
    }

    /** {@link #detect(NetpollConfig)} with the probing injected, for tests. */
    static TransportSelection detect(NetpollConfig config, Function<Preference, Transport> probe) {
        Preference preference = config.transport();
        if (preference != Preference.AUTO) {
            Transport chosen = probe.apply(preference);
            chosen.ensureAvailable();
            return new TransportSelection(chosen, preference, List.of());
        }
        List<TransportSelection.Skipped> skipped = new ArrayList<>();
        for (Preference candidate : AUTO_ORDER) {
            Transport t = probe.apply(candidate);
            if (t.isAvailable()) {
                return new TransportSelection(t, preference, skipped);
            }
            Throwable cause = t.unavailabilityCause().orElseThrow();
            if (log.isTraceEnabled()) {
                log.trace("transport [{}] unavailable", t.name(), cause);
            } else {
                log.debug("transport [{}] unavailable: {}", t.name(), describe(cause));
            }
            skipped.add(new TransportSelection.Skipped(t.name(), cause));
        }
        throw new AssertionError("nio is always available");
    }

    /**
     * A new instance for one transport, probed now.
     *
     * @throws IllegalArgumentException for {@link Preference#AUTO}, which names no single transport
     */
    public static Transport of(Preference preference) {
        return switch (Objects.requireNonNull(preference, "preference")) {
            case EPOLL -> new EpollTransport();
            case IO_URING -> new IoUringTransport();
            case KQUEUE -> new KQueueTransport();
            case NIO -> new NioTransport();
            case AUTO -> throw new IllegalArgumentException("transport [auto] is a preference, not a transport: use detect()");
        };
    }

    /** Every transport, in {@link #AUTO_ORDER}, each probed (this loads every native library). */
    public static List<Transport> all() {
        return AUTO_ORDER.stream().map(Transport::of).toList();
    }

    /** The configuration value, e.g. {@code epoll} or {@code io_uring}. */
    public final String name() {
        return kind.configValue();
    }

    /** The preference that names exactly this transport. */
    public final Preference preference() {
        return kind;
    }

    /** Whether this transport needs a native library (everything but NIO). */
    public final boolean isNative() {
        return kind != Preference.NIO;
    }

    /** Whether this transport can be used in this process. */
    public final boolean isAvailable() {
        return unavailabilityCause.isEmpty();
    }

    /**
     * Does nothing if {@link #isAvailable()}.
     *
     * @throws TransportUnavailableException naming the transport and the cause otherwise
     */
    public final void ensureAvailable() {
        if (unavailabilityCause.isPresent()) {
            throw new TransportUnavailableException(name(), unavailabilityCause.get());
        }
    }

    /** Why this transport is unavailable; empty if it is available. */
    public final Optional<Throwable> unavailabilityCause() {
        return unavailabilityCause;
    }

    /**
     * Whether a listening socket inherited as a file descriptor (systemd socket activation) can be
     * adopted: epoll (TCP and Unix) and kqueue (TCP); Netty's io_uring and NIO channels cannot wrap an
     * existing fd.
     */
    public boolean supportsFdAdoption(SocketFamily family) {
        return false;
    }

    @Override
    public final String toString() {
        return name();
    }

    // The Netty side, used by EventLoops. Only called once the transport is available.

    abstract IoHandlerFactory newIoHandlerFactory();

    abstract ServerChannel newServerSocketChannel();

    abstract Channel newSocketChannel();

    abstract ServerChannel newServerDomainSocketChannel();

    abstract Channel newDomainSocketChannel();

    /** The address type this transport's domain socket channels bind to or connect to. */
    abstract SocketAddress domainSocketAddress(Path path);

    /** Wraps an inherited listening TCP socket. */
    ServerChannel adoptServerSocketChannel(int fd) {
        throw new UnsupportedOperationException("transport [" + name() + "] cannot adopt an inherited socket [fd " + fd + "]");
    }

    /** Wraps an inherited listening Unix stream socket. */
    ServerChannel adoptServerDomainSocketChannel(int fd) {
        throw new UnsupportedOperationException("transport [" + name() + "] cannot adopt an inherited socket [fd " + fd + "]");
    }

    /**
     * Runs a transport's own probe, guarded: a missing classes jar shows up as a
     * {@link LinkageError} or {@link ClassNotFoundException} cause instead of failing the caller.
     */
    static Optional<Throwable> probe(String guardClass, Supplier<Throwable> cause) {
        try {
            Class.forName(guardClass, false, Transport.class.getClassLoader());
            return Optional.ofNullable(cause.get());
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.of(e);
        }
    }

    /** The first message in a cause chain, or the class name when none has one. */
    static String describe(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return cause.getClass().getName();
    }
}
