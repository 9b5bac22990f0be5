package io.servd.daemon.lifecycle;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Waits for a drain while keeping systemd's stop timeout out of the way: once the drain has run for
 * half of its deadline, every {@link #TICK} it sends {@code EXTEND_TIMEOUT_USEC=} covering the rest of the
 * deadline plus {@link #MARGIN}. systemd only acts on an extension once the original
 * {@code TimeoutStopSec=} has passed, so with the shipped defaults (drain 10 s, stop timeout 30 s) the
 * messages are harmless; they matter when an operator raises {@code DrainTimeoutSec=} above
 * {@code TimeoutStopSec=}, which would otherwise have servd SIGKILLed mid-drain.
 */
public final class DrainWatch {
    /** How often extensions are sent while draining past half the deadline. */
    public static final Duration TICK = Duration.ofSeconds(1);
    /** Time granted beyond the drain deadline for closing the loops and exiting. */
    public static final Duration MARGIN = Duration.ofSeconds(5);

    private DrainWatch() {}

    /**
     * Blocks until {@code drained} completes, extending the stop timeout as described above.
     *
     * @param deadline the drain's own deadline (the netpoll drain closes what is left at it)
     * @param nanoTime a monotonic clock in nanoseconds, {@code System::nanoTime} in production
     * @return the drain's result
     * @throws ExecutionException if the drain failed
     */
    public static <T> T await(CompletableFuture<T> drained, Duration deadline, Lifecycle lifecycle, LongSupplier nanoTime)
            throws InterruptedException, ExecutionException {
        return await(drained, deadline, lifecycle, nanoTime, d -> d.get(TICK.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** Waits at most one {@link #TICK} for the drain: the seam tests replace to count ticks instead of waiting them. */
    @FunctionalInterface
    interface TickWait {
        /** Returns once {@code drained} is done; throws {@link TimeoutException} when one tick passed first. */
        void await(CompletableFuture<?> drained) throws InterruptedException, ExecutionException, TimeoutException;
    }

    static <T> T await(CompletableFuture<T> drained, Duration deadline, Lifecycle lifecycle, LongSupplier nanoTime,
            TickWait oneTick) throws InterruptedException, ExecutionException {
        long start = nanoTime.getAsLong();
        while (true) {
            try {
                oneTick.await(drained);
                return drained.get(); // done: does not block
            } catch (TimeoutException stillDraining) {
                Duration elapsed = Duration.ofNanos(nanoTime.getAsLong() - start);
                if (elapsed.compareTo(deadline.dividedBy(2)) >= 0) {
                    Duration rest = deadline.minus(elapsed);
                    lifecycle.extendTimeout((rest.isNegative() ? Duration.ZERO : rest).plus(MARGIN));
                }
            }
        }
    }
}
