package io.servd.daemon.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MonotonicClockTest {

    @Test
    void readsClockMonotonic() {
        MonotonicClock clock = MonotonicClock.system();
        long beforeNanos = System.nanoTime();
        Duration first = clock.now();
        Duration second = clock.now();
        long afterNanos = System.nanoTime();

        assertThat(first).isPositive();
        assertThat(second).isGreaterThanOrEqualTo(first);
        // HotSpot on Linux implements nanoTime with CLOCK_MONOTONIC, so here (only here) the two
        // agree; this checks we read that clock and not CLOCK_REALTIME or CLOCK_BOOTTIME.
        assertThat(first.toNanos()).isBetween(beforeNanos - 1_000_000, afterNanos + 1_000_000);
    }
}
