package io.servd.agent.http;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * At most one log line per interval for one kind of event a client can trigger at will (a malformed
 * request, a handler failure): the first event of an interval is logged with the number suppressed
 * since the last line, the rest are only counted. A flood then costs one line per interval, not one
 * per request. Thread-safe.
 */
final class LogLimiter {
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private long suppressed;   // guarded by this
    private long nextAt;       // guarded by this; nanoTime() value from which a line may be logged
    private boolean started;   // guarded by this

    LogLimiter(Duration interval, LongSupplier nanoTime) {
        this.intervalNanos = interval.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** Present when a line may be logged now, holding how many events were suppressed since the last one. */
    synchronized OptionalLong tryAcquire() {
        long now = nanoTime.getAsLong();
        if (started && now - nextAt < 0) {
            suppressed++;
            return OptionalLong.empty();
        }
        started = true;
        nextAt = now + intervalNanos;
        long n = suppressed;
        suppressed = 0;
        return OptionalLong.of(n);
    }
}
