package io.servd.netpoll;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Per-server limits. An empty value means no limit.
 *
 * @param maxConnections most connections open at once; one more is accepted and answered with
 *                       {@code refusal} (if any), then closed after a half-close and linger
 *                       ({@link Refusal}), so the client sees a prompt answer or end-of-stream instead
 *                       of a hang in the accept backlog or a reset
 * @param idleTimeout    closes a connection that has neither read nor written anything for this long
 *                       (keep-alive connections between requests)
 * @param readTimeout    closes a connection that has sent nothing for this long, even while we are
 *                       still writing to it (a peer that stalls in the middle of a request)
 * @param refusal        bytes written to a connection refused for being over {@code maxConnections},
 *                       e.g. an HTTP {@code 503} response; empty closes without writing
 * @param backlog        the accept queue's length ({@code listen(2)}'s backlog) of a socket this
 *                       server binds; empty: Netty's default, the kernel's {@code somaxconn}. An
 *                       adopted socket keeps the backlog it was listening with (systemd's
 *                       {@code Backlog=}). Connections queued beyond what the loop accepts wait there
 *                       unanswered, and their clients may have given up long before: a bound keeps
 *                       the wait short and leaves the rest to TCP's own retransmission backoff
 */
public record ServerLimits(OptionalInt maxConnections, Optional<Duration> idleTimeout,
                           Optional<Duration> readTimeout, Optional<String> refusal, OptionalInt backlog) {
    public ServerLimits {
        Objects.requireNonNull(maxConnections, "maxConnections");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(refusal, "refusal");
        Objects.requireNonNull(backlog, "backlog");
        if (backlog.isPresent() && backlog.getAsInt() < 1) {
            throw new IllegalArgumentException("backlog must be at least 1, got [" + backlog.getAsInt() + "]");
        }
        if (maxConnections.isPresent() && maxConnections.getAsInt() < 1) {
            throw new IllegalArgumentException("max connections must be at least 1, got [" + maxConnections.getAsInt() + "]");
        }
        idleTimeout.ifPresent(d -> requirePositive(d, "idle timeout"));
        readTimeout.ifPresent(d -> requirePositive(d, "read timeout"));
    }

    /** No limit at all. */
    public static ServerLimits none() {
        return new ServerLimits(OptionalInt.empty(), Optional.empty(), Optional.empty(), Optional.empty(), OptionalInt.empty());
    }

    /** A copy admitting at most {@code max} open connections. */
    public ServerLimits withMaxConnections(int max) {
        return new ServerLimits(OptionalInt.of(max), idleTimeout, readTimeout, refusal, backlog);
    }

    /** A copy closing connections idle (no read, no write) for {@code timeout}. */
    public ServerLimits withIdleTimeout(Duration timeout) {
        return new ServerLimits(maxConnections, Optional.of(timeout), readTimeout, refusal, backlog);
    }

    /** A copy closing connections that sent nothing for {@code timeout}. */
    public ServerLimits withReadTimeout(Duration timeout) {
        return new ServerLimits(maxConnections, idleTimeout, Optional.of(timeout), refusal, backlog);
    }

    /** A copy writing {@code text} (UTF-8) to each refused connection before closing it. */
    public ServerLimits withRefusal(String text) {
        return new ServerLimits(maxConnections, idleTimeout, readTimeout, Optional.of(text), backlog);
    }

    /** A copy binding with an accept queue of {@code length} connections. */
    public ServerLimits withBacklog(int length) {
        return new ServerLimits(maxConnections, idleTimeout, readTimeout, refusal, OptionalInt.of(length));
    }

    byte[] refusalBytes() {
        return refusal.map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
    }

    private static void requirePositive(Duration d, String what) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, got [" + d + "]");
        }
    }
}
