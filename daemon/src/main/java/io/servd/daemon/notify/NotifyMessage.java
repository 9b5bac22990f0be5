package io.servd.daemon.notify;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One piece of sd_notify vocabulary: one or more {@code KEY=VALUE} lines, validated on
 * construction so that a message either goes on the wire as written or is never built.
 *
 * <p>Values may not contain a newline (it separates assignments) or NUL (systemd drops a datagram
 * that contains one). Several messages may share one datagram (see
 * {@link Notifier#send(NotifyMessage...)}); systemd processes a datagram's assignments together.
 *
 * <p>There is deliberately no bare {@code RELOADING=1} constant: {@code Type=notify-reload} needs
 * {@code MONOTONIC_USEC=} in the same datagram, and it is harmless for other types, so
 * {@link Reloading} always carries it (use {@link Notifier#sendReloading(NotifyMessage...)}).
 *
 * @see <a href="https://www.freedesktop.org/software/systemd/man/latest/sd_notify.html">sd_notify(3)</a>
 */
public sealed interface NotifyMessage {

    /** {@code READY=1}: start-up (or a reload) finished. */
    NotifyMessage READY = new Plain("READY=1");
    /** {@code STOPPING=1}: shutdown began. */
    NotifyMessage STOPPING = new Plain("STOPPING=1");
    /** {@code WATCHDOG=1}: keep-alive ping. */
    NotifyMessage WATCHDOG = new Plain("WATCHDOG=1");
    /** {@code WATCHDOG=trigger}: ask systemd to act as if the watchdog timed out (fatal error). */
    NotifyMessage WATCHDOG_TRIGGER = new Plain("WATCHDOG=trigger");

    /** The wire form: assignments separated by {@code '\n'}, no trailing newline. */
    String wire();

    /** A fixed assignment such as {@code READY=1}; prefer the constants above. */
    record Plain(String wire) implements NotifyMessage {
        public Plain {
            Objects.requireNonNull(wire, "wire");
            int eq = wire.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not a KEY=VALUE assignment [" + wire + "]");
            }
            requireKey(wire.substring(0, eq));
            requireValue(wire.substring(0, eq), wire.substring(eq + 1));
        }
    }

    /** {@code STATUS=text}: free-form status shown by {@code systemctl status}; empty clears it. */
    record Status(String text) implements NotifyMessage {
        public Status {
            requireValue("STATUS", text);
        }

        @Override
        public String wire() {
            return "STATUS=" + text;
        }
    }

    /** {@code ERRNO=n}: the errno-style reason for a failure, {@code n >= 0}. */
    record Errno(int errno) implements NotifyMessage {
        public Errno {
            if (errno < 0) {
                throw new IllegalArgumentException("negative errno [" + errno + "]");
            }
        }

        @Override
        public String wire() {
            return "ERRNO=" + errno;
        }
    }

    /** {@code MAINPID=pid}: the service's main process is {@code pid} ({@code > 0}). */
    record MainPid(long pid) implements NotifyMessage {
        public MainPid {
            if (pid <= 0) {
                throw new IllegalArgumentException("invalid pid [" + pid + "]");
            }
        }

        @Override
        public String wire() {
            return "MAINPID=" + pid;
        }
    }

    /**
     * {@code EXTEND_TIMEOUT_USEC=µs}: the current start/stop/runtime timeout is extended so that it
     * expires no earlier than {@code by} from now. Sent as whole microseconds (truncated); at least
     * 1 µs.
     */
    record ExtendTimeout(Duration by) implements NotifyMessage {
        public ExtendTimeout {
            Objects.requireNonNull(by, "by");
            if (TimeUnit.MICROSECONDS.convert(by) < 1) {
                throw new IllegalArgumentException("timeout extension below 1 µs [" + by + "]");
            }
        }

        @Override
        public String wire() {
            return "EXTEND_TIMEOUT_USEC=" + TimeUnit.MICROSECONDS.convert(by);
        }
    }

    /**
     * {@code RELOADING=1} plus {@code MONOTONIC_USEC=µs}, where {@code monotonicTime} is
     * {@code CLOCK_MONOTONIC} (time since boot, excluding suspend) as read by
     * {@link MonotonicClock#system()}. systemd compares it with the time it sent {@code SIGHUP}.
     */
    record Reloading(Duration monotonicTime) implements NotifyMessage {
        public Reloading {
            Objects.requireNonNull(monotonicTime, "monotonicTime");
            if (monotonicTime.isNegative()) {
                throw new IllegalArgumentException("negative monotonic time [" + monotonicTime + "]");
            }
        }

        @Override
        public String wire() {
            return "RELOADING=1\nMONOTONIC_USEC=" + TimeUnit.MICROSECONDS.convert(monotonicTime);
        }
    }

    /**
     * {@code FDSTOREREMOVE=1} plus {@code FDNAME=name}: systemd closes every stored fd of that name.
     * The name rules are {@link #requireFdName(String)}'s.
     */
    record FdStoreRemove(String name) implements NotifyMessage {
        public FdStoreRemove {
            requireFdName(name);
        }

        @Override
        public String wire() {
            return "FDSTOREREMOVE=1\nFDNAME=" + name;
        }
    }

    /**
     * A private assignment {@code X_KEY=value}. systemd ignores unknown keys; {@code X_} is the
     * prefix reserved for applications. {@code key} must match {@code X_[A-Z0-9_]+}.
     */
    record Private(String key, String value) implements NotifyMessage {
        private static final Pattern KEY = Pattern.compile("X_[A-Z0-9_]+");

        public Private {
            Objects.requireNonNull(key, "key");
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("private notify key must match X_[A-Z0-9_]+ [" + key + "]");
            }
            requireValue(key, value);
        }

        @Override
        public String wire() {
            return key + "=" + value;
        }
    }

    /**
     * Checks an fd-store name as systemd's {@code fdname_is_valid()} does: 1 to 255 characters,
     * printable ASCII, no {@code ':'} (the separator of {@code LISTEN_FDNAMES}).
     *
     * @return {@code name}
     * @throws IllegalArgumentException naming the bracketed raw value otherwise
     */
    static String requireFdName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > 255) {
            throw new IllegalArgumentException("fd name must be 1 to 255 characters [" + name + "]");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < ' ' || c >= 127 || c == ':') {
                throw new IllegalArgumentException(
                        "fd name must be printable ASCII without ':' [" + name + "]");
            }
        }
        return name;
    }

    private static void requireKey(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                throw new IllegalArgumentException("notify key must match [A-Z0-9_]+ [" + key + "]");
            }
        }
    }

    private static void requireValue(String key, String value) {
        Objects.requireNonNull(value, key);
        if (value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(
                    "notify value for " + key + " contains a newline or NUL ["
                            + value.replace("\n", "\\n").replace("\0", "\\0") + "]");
        }
    }
}
