package io.servd.daemon.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servd.daemon.notify.MonotonicClock;
import io.servd.daemon.notify.Notifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DrainWatchTest {
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final Lifecycle lifecycle = new Lifecycle(Notifier.of(
            d -> sent.add(StandardCharsets.UTF_8.decode(d).toString()), MonotonicClock.system()));

    @Test
    void finishedDrainReturnsWithoutExtending() throws Exception {
        assertThat(DrainWatch.await(CompletableFuture.completedFuture("done"), Duration.ofSeconds(10), lifecycle,
                System::nanoTime)).isEqualTo("done");
        assertThat(sent).isEmpty();
    }

    @Test
    void extendsOnlyPastHalfTheDeadlineCoveringTheRestPlusMargin() throws Exception {
        // A fake clock that advances 2 s per reading: at 2 s nothing (below half of 10 s), then 4 s
        // (still below), then from 6 s on an extension of (10 - elapsed) + 5 s each tick. The drain
        // finishes during the fifth tick; ticks are counted, not waited.
        var clock = new AtomicLong();
        var drained = new CompletableFuture<String>();
        var ticks = new AtomicInteger();
        DrainWatch.TickWait oneTick = d -> {
            if (ticks.incrementAndGet() == 5) {
                drained.complete("done");
                return;
            }
            throw new TimeoutException("tick " + ticks.get());
        };
        String result = DrainWatch.await(drained, Duration.ofSeconds(10), lifecycle,
                () -> clock.addAndGet(Duration.ofSeconds(2).toNanos()) - Duration.ofSeconds(2).toNanos(), oneTick);
        assertThat(result).isEqualTo("done");
        assertThat(sent).isNotEmpty().allMatch(m -> m.startsWith("EXTEND_TIMEOUT_USEC="));
        assertThat(sent.get(0)).isEqualTo("EXTEND_TIMEOUT_USEC=" + Duration.ofSeconds(4 + 5).toNanos() / 1000);
        assertThat(sent).containsExactly(
                "EXTEND_TIMEOUT_USEC=" + Duration.ofSeconds(4 + 5).toNanos() / 1000,
                "EXTEND_TIMEOUT_USEC=" + Duration.ofSeconds(2 + 5).toNanos() / 1000);
    }

    @Test
    void failedDrainIsRethrownWithoutExtending() {
        var failed = CompletableFuture.<String>failedFuture(new IllegalStateException("boom"));
        assertThatThrownBy(() -> DrainWatch.await(failed, Duration.ofSeconds(10), lifecycle, System::nanoTime))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(sent).isEmpty();
    }
}
