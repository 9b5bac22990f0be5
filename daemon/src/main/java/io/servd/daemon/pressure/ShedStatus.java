package io.servd.daemon.pressure;

import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link LoadShedder} decided last, for a readiness endpoint and metrics.
 *
 * @param shedding whether new requests are answered {@code 503} now
 * @param reason   why shedding began (e.g. {@code "memory.current [58.1 MiB] above high water [57.6 MiB]
 *                 after giving back"}); empty while not shedding
 * @param sheds    how many times shedding began since start
 */
public record ShedStatus(boolean shedding, Optional<String> reason, long sheds) {
    public ShedStatus {
        Objects.requireNonNull(reason, "reason");
        if (shedding != reason.isPresent()) {
            throw new IllegalArgumentException("a reason is given exactly while shedding, got shedding [" + shedding
                    + "] reason [" + reason.orElse("") + "]");
        }
    }
}
