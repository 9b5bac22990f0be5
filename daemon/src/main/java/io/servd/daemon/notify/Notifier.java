package io.servd.daemon.notify;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends sd_notify messages to the service manager.
 *
 * <p>Obtain one with {@link #fromEnvironment(Map)} (pass {@code System.getenv()} from
 * {@code main} only). Without {@code NOTIFY_SOCKET} the notifier is <em>inactive</em>: not running
 * under systemd (or under {@code NotifyAccess=none}) is a normal result, and every send returns
 * {@code false} without touching the OS. An active notifier returns {@code true} once the
 * datagram was handed to the kernel; systemd does not acknowledge (see {@code BARRIER=1} for that).
 *
 * <p>Failure semantics: a malformed {@code NOTIFY_SOCKET} is an {@link IllegalArgumentException}
 * from the factory (sd_notify would return {@code -EINVAL} on every call); a failed send is an
 * {@link IOException} naming the socket, and whether it is fatal is the caller's policy (READY:
 * fatal; STATUS, STOPPING, one WATCHDOG: a warning). Thread-safe.
 *
 * @see <a href="https://www.freedesktop.org/software/systemd/man/latest/sd_notify.html">sd_notify(3)</a>
 */
public final class Notifier implements AutoCloseable {

    /** The environment variable systemd sets for {@code Type=notify} services. */
    public static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";

    /**
     * Largest datagram systemd reads in full ({@code NOTIFY_BUFFER_MAX}, i.e. {@code PIPE_BUF});
     * it ignores longer ones.
     */
    public static final int MAX_DATAGRAM_BYTES = 4096;

    private static final Logger log = LoggerFactory.getLogger(Notifier.class);

    private final NotifySocket socket; // null when inactive
    private final String description;
    private final MonotonicClock clock;

    private Notifier(NotifySocket socket, String description, MonotonicClock clock) {
        this.socket = socket;
        this.description = description;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The notifier {@code env} asks for: inactive when {@code NOTIFY_SOCKET} is unset, otherwise
     * one that sends to that path or {@code @abstract} name with {@link MonotonicClock#system()}.
     * Does not open the socket yet.
     *
     * @throws IllegalArgumentException if {@code NOTIFY_SOCKET} is set but not an absolute path or
     *     {@code @name} (empty, relative, {@code vsock:…}), not ASCII, or longer than
     *     {@code sun_path}; the message brackets the raw value
     */
    public static Notifier fromEnvironment(Map<String, String> env) {
        return fromEnvironment(env, MonotonicClock.system());
    }

    /** {@link #fromEnvironment(Map)} with an injected clock for {@code MONOTONIC_USEC=}. */
    public static Notifier fromEnvironment(Map<String, String> env, MonotonicClock clock) {
        Objects.requireNonNull(env, "env");
        String raw = env.get(NOTIFY_SOCKET);
        if (raw == null) {
            log.debug("not under a service manager: [{}] unset", NOTIFY_SOCKET);
            return inactive();
        }
        NotifySocketAddress address = new NotifySocketAddress(NOTIFY_SOCKET, raw);
        log.debug("notifying service manager at [{}]", address);
        return new Notifier(new UnixNotifySocket(address), address.raw(), clock);
    }

    /** A notifier that sends nothing: every send returns {@code false}. */
    public static Notifier inactive() {
        return new Notifier(null, "inactive", () -> {
            throw new IllegalStateException("inactive notifier has no clock");
        });
    }

    /**
     * An active notifier over any socket, e.g. a recording fake in lifecycle tests. Fd-passing
     * messages ({@code FDSTORE}, {@code BARRIER}) need an {@link FdNotifySocket}.
     */
    public static Notifier of(NotifySocket socket, MonotonicClock clock) {
        return new Notifier(Objects.requireNonNull(socket, "socket"), "custom " + socket, clock);
    }

    /** Whether messages go anywhere ({@code NOTIFY_SOCKET} was set). */
    public boolean isActive() {
        return socket != null;
    }

    /**
     * Opens the socket now instead of on the first send. Opening loads Netty's epoll library (if the
     * event loops have not) and binds fcntl through jffi; jnr-ffi waits for the first datagram with
     * fds. Optional; a no-op when inactive or for a custom socket.
     *
     * @throws IOException if the socket cannot be created
     */
    public void open() throws IOException {
        if (socket instanceof UnixNotifySocket) {
            ((UnixNotifySocket) socket).open();
        }
    }

    /**
     * Sends {@code messages} as one datagram, in order, e.g. {@code send(READY, new Status("…"))}.
     *
     * @return {@code false} if inactive (nothing sent), {@code true} if sent
     * @throws IllegalArgumentException if no message is given or the datagram would exceed
     *     {@link #MAX_DATAGRAM_BYTES}
     * @throws IOException if the kernel refused the datagram (no listener, queue full …)
     */
    public boolean send(NotifyMessage... messages) throws IOException {
        ByteBuffer datagram = encode(List.of(messages));
        if (socket == null) {
            return false;
        }
        socket.send(datagram);
        return true;
    }

    /**
     * Sends {@code RELOADING=1} and {@code MONOTONIC_USEC=} (read from the clock now), followed by
     * {@code extra} (e.g. a {@code STATUS=}), as one datagram. After the reload, send
     * {@link NotifyMessage#READY}.
     *
     * @return as {@link #send(NotifyMessage...)}
     * @throws IOException as {@link #send(NotifyMessage...)}
     */
    public boolean sendReloading(NotifyMessage... extra) throws IOException {
        if (socket == null) {
            return false;
        }
        List<NotifyMessage> all = new ArrayList<>(extra.length + 1);
        all.add(new NotifyMessage.Reloading(clock.now()));
        all.addAll(List.of(extra));
        return send(all.toArray(NotifyMessage[]::new));
    }

    /**
     * {@code FDSTORE=1} + {@code FDNAME=name} with {@code fds} attached: systemd keeps duplicates
     * of them across a restart of the service and passes them back via {@code LISTEN_FDS} with
     * {@code LISTEN_FDNAMES} set to {@code name}. Needs {@code FileDescriptorStoreMax=} &gt; 0 in
     * the unit, or systemd closes them (with a warning in its log). Our fds stay open.
     *
     * @param name 1 to 255 printable ASCII characters, no {@code ':'}
     * @param fds 1 to 253 open file descriptor numbers
     * @return {@code false} if inactive, {@code true} if sent
     * @throws IOException as {@link #send(NotifyMessage...)}, or {@code EBADF} for a closed fd
     * @throws UnsupportedOperationException if this notifier's socket cannot pass fds (see
     *     {@link #of(NotifySocket, MonotonicClock)})
     */
    public boolean storeFds(String name, int... fds) throws IOException {
        if (fds.length == 0) {
            throw new IllegalArgumentException("FDSTORE=1 needs at least one fd for [" + name + "]");
        }
        ByteBuffer datagram = encode(List.of(
                new NotifyMessage.Plain("FDSTORE=1"),
                new NotifyMessage.Plain("FDNAME=" + NotifyMessage.requireFdName(name))));
        if (socket == null) {
            return false;
        }
        fdSocket("FDSTORE=1").sendWithFds(datagram, fds.clone());
        return true;
    }

    /**
     * {@code FDSTOREREMOVE=1} + {@code FDNAME=name}: systemd closes every stored fd of that name.
     *
     * @return as {@link #send(NotifyMessage...)}
     * @throws IOException as {@link #send(NotifyMessage...)}
     */
    public boolean removeStoredFds(String name) throws IOException {
        return send(new NotifyMessage.FdStoreRemove(name));
    }

    /**
     * {@code BARRIER=1}: blocks until the service manager has processed every message sent before,
     * like {@code sd_notify_barrier(3)}. Use it before exiting right after a message that must not
     * be lost (systemd may otherwise no longer attribute it to us).
     *
     * @param timeout how long to wait; sd_notify_barrier's customary value is 5 s
     * @return {@code false} if inactive (nothing to wait for), {@code true} once acknowledged
     * @throws java.net.SocketTimeoutException if not acknowledged within {@code timeout}
     * @throws IOException if the barrier could not be sent
     * @throws UnsupportedOperationException as {@link #storeFds(String, int...)}
     */
    public boolean barrier(Duration timeout) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative barrier timeout [" + timeout + "]");
        }
        if (socket == null) {
            return false;
        }
        NotifyBarrier.await(fdSocket("BARRIER=1"), timeout);
        return true;
    }

    private FdNotifySocket fdSocket(String purpose) {
        if (socket instanceof FdNotifySocket) {
            return (FdNotifySocket) socket;
        }
        throw new UnsupportedOperationException(purpose + " needs a socket that passes fds, not [" + socket + "]");
    }

    static ByteBuffer encode(List<? extends NotifyMessage> messages) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("no notify message to send");
        }
        StringBuilder wire = new StringBuilder();
        for (NotifyMessage m : messages) {
            if (wire.length() > 0) {
                wire.append('\n');
            }
            wire.append(Objects.requireNonNull(m, "message").wire());
        }
        byte[] bytes = wire.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_DATAGRAM_BYTES) {
            throw new IllegalArgumentException("notify datagram of [" + bytes.length
                    + "] bytes exceeds " + MAX_DATAGRAM_BYTES + " bytes");
        }
        return ByteBuffer.wrap(bytes);
    }

    /** Closes the socket if one was opened; an inactive notifier has nothing to close. */
    @Override
    public void close() throws IOException {
        if (socket instanceof AutoCloseable) {
            try {
                ((AutoCloseable) socket).close();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("closing notify socket [" + description + "] failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "Notifier[" + description + "]";
    }
}
