package io.servd.agent.http;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * One read for many requests: a caller joins the next run of {@code work}, which starts after the
 * caller asked, so it sees at least what was there then (a change the caller made before is in it);
 * at most one run is in flight, and every caller that comes while it runs shares the one after it.
 * Under a flood of the same read ({@code /metrics}, {@code /v1/units} from a thousand clients), the
 * cgroupfs reads are one run per run time instead of one per request, and none of it runs on an event
 * loop. Group commit, for reads.
 *
 * @param <T> what a run produces; shared by all its callers, so immutable
 */
public final class Coalescer<T> {
    private final Supplier<T> work;
    private final Executor executor;
    /** The run callers join, not yet started; null when none waits. Guarded by this. */
    private CompletableFuture<T> next;
    /** Whether a run is in flight. Guarded by this. */
    private boolean running;

    /** {@code work} runs on {@code executor}, which may refuse it ({@link RejectedExecutionException}). */
    public Coalescer(Supplier<T> work, Executor executor) {
        this.work = Objects.requireNonNull(work, "work");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /**
     * The result of a run that starts after this call; completed exceptionally with what {@code work}
     * threw, or with the executor's {@link RejectedExecutionException}.
     */
    public synchronized CompletableFuture<T> next() {
        CompletableFuture<T> joined = next;
        if (joined == null) {
            joined = new CompletableFuture<>();
            next = joined;
            if (!running) {
                start();
            }
        }
        return joined;
    }

    /** Starts the waiting run; holds the lock. */
    private void start() {
        CompletableFuture<T> run = next;
        next = null;
        running = true;
        try {
            executor.execute(() -> run(run));
        } catch (RejectedExecutionException e) {
            running = false;
            run.completeExceptionally(e);
        }
    }

    private void run(CompletableFuture<T> run) {
        try {
            run.complete(work.get());
        } catch (RuntimeException | Error e) {
            run.completeExceptionally(e);
        } finally {
            synchronized (this) {
                running = false;
                if (next != null) {
                    start();
                }
            }
        }
    }
}
