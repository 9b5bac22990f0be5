package io.servd.daemon.watchdog;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;

/**
 * Asks the daemon whether it is alive, e.g. by submitting a no-op task to every event loop and
 * completing when all of them ran it. The {@link Watchdog} waits a bounded time for the answer.
 */
@FunctionalInterface
public interface LivenessProbe {

    /**
     * Starts one probe and returns at once.
     *
     * @return a stage that completes normally when alive; completing exceptionally, or not by the
     *     watchdog's last chance before systemd's deadline, counts as not alive (an answer after the
     *     probe deadline but before the last chance is a warning). Bound its own lifetime, e.g. by
     *     the watchdog interval, so that probes of a stalled loop do not pile up
     */
    CompletionStage<?> probe();

    /**
     * Alive when every executor runs a no-op task, e.g. each Netty event loop (an {@link Executor}):
     * a loop stuck in a handler never runs it. A rejected task (loop shut down) is not alive.
     *
     * @param executors at least one
     */
    static LivenessProbe allRun(Collection<? extends Executor> executors) {
        List<Executor> all = List.copyOf(executors);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no executors to probe");
        }
        return () -> {
            CompletableFuture<?>[] ran = new CompletableFuture<?>[all.size()];
            for (int i = 0; i < ran.length; i++) {
                try {
                    ran[i] = CompletableFuture.runAsync(() -> { }, all.get(i));
                } catch (RejectedExecutionException e) {
                    ran[i] = CompletableFuture.failedFuture(e);
                }
            }
            return CompletableFuture.allOf(ran);
        };
    }

    /** A probe from a synchronous check, which must itself be quick: {@code false} is not alive. */
    static LivenessProbe of(BooleanSupplier check) {
        return () -> check.getAsBoolean()
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new IllegalStateException("liveness check returned false"));
    }
}
