package io.servd.daemon.pressure;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link LoadShedder} decided last, for a readiness endpoint and metrics.
 *
 * @param shedding     whether new requests are answered {@code 503} now
 * @param reason       why shedding began (e.g. {@code "memory.current [58.1 MiB] above high water [57.6 MiB]
 *                     after giving back"}); empty while not shedding
 * @param since        when shedding began (wall clock); empty while not shedding
 * @param sheds        how many times shedding began since start
 * @param shedRequests how many requests were refused with {@code 503} since start
 */
public record ShedStatus(boolean shedding, Optional<String> reason, Optional<Instant> since, long sheds,
                         long shedRequests) {
    public ShedStatus {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(since, "since");
        if (shedding != reason.isPresent() || shedding != since.isPresent()) {
            throw new IllegalArgumentException("a reason and a start are given exactly while shedding, got shedding ["
                    + shedding + "] reason [" + reason.orElse("") + "] since [" + since.map(Instant::toString).orElse("")
                    + "]");
        }
        if (sheds < 0 || shedRequests < 0) {
            throw new IllegalArgumentException("counts cannot be negative, got sheds [" + sheds + "] shedRequests ["
                    + shedRequests + "]");
        }
    }
}
