package io.servd.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CoalescerTest {

    /** An executor that runs what it was given only when told to. */
    static final class Manual implements Executor {
        final Deque<Runnable> tasks = new ArrayDeque<>();
        boolean refuse;

        @Override
        public void execute(Runnable task) {
            if (refuse) {
                throw new RejectedExecutionException("full");
            }
            tasks.add(task);
        }

        void runOne() {
            tasks.remove().run();
        }
    }

    final Manual executor = new Manual();
    final AtomicInteger runs = new AtomicInteger();
    final Coalescer<Integer> coalescer = new Coalescer<>(runs::incrementAndGet, executor);

    @Test
    void callersWhileARunIsInFlightShareTheRunAfterIt() throws Exception {
        CompletableFuture<Integer> first = coalescer.next();
        assertThat(executor.tasks).hasSize(1);
        CompletableFuture<Integer> second = coalescer.next();
        CompletableFuture<Integer> third = coalescer.next();
        assertThat(second).as("joined the same waiting run").isSameAs(third);
        assertThat(second).isNotSameAs(first);
        assertThat(executor.tasks).as("the second run waits for the first").hasSize(1);

        executor.runOne();
        assertThat(first.get()).isEqualTo(1);
        assertThat(executor.tasks).as("the first run's end starts the waiting one").hasSize(1);
        assertThat(second).isNotDone();
        executor.runOne();
        assertThat(second.get()).isEqualTo(2);
        assertThat(third.get()).isEqualTo(2);
        assertThat(runs).hasValue(2);
        assertThat(executor.tasks).isEmpty();
    }

    @Test
    void aCallerNeverGetsARunThatStartedBeforeItAsked() throws Exception {
        CompletableFuture<Integer> first = coalescer.next();
        executor.runOne();
        assertThat(first.get()).isEqualTo(1);
        CompletableFuture<Integer> later = coalescer.next();
        assertThat(later).as("a new run, not the finished one").isNotDone();
        executor.runOne();
        assertThat(later.get()).isEqualTo(2);
    }

    @Test
    void aRefusedRunFailsItsCallersAndTheNextCallTriesAgain() throws Exception {
        executor.refuse = true;
        CompletableFuture<Integer> refused = coalescer.next();
        assertThat(refused).isCompletedExceptionally();
        assertThat(catchCause(refused)).isInstanceOf(RejectedExecutionException.class);

        executor.refuse = false;
        CompletableFuture<Integer> again = coalescer.next();
        executor.runOne();
        assertThat(again.get()).isEqualTo(1);
    }

    @Test
    void aFailedRunFailsOnlyItsCallersAndTheWaitingRunStillRuns() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        var failingOnce = new Coalescer<Integer>(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("cgroup gone");
            }
            return calls.get();
        }, executor);
        CompletableFuture<Integer> first = failingOnce.next();
        CompletableFuture<Integer> second = failingOnce.next();
        executor.runOne();
        assertThat(catchCause(first)).isInstanceOf(IllegalStateException.class).hasMessage("cgroup gone");
        executor.runOne();
        assertThat(second.get()).isEqualTo(2);
    }

    private static Throwable catchCause(CompletableFuture<?> f) {
        try {
            f.get();
            throw new AssertionError("expected a failure, got " + f.join());
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
