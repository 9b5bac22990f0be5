package io.servd.daemon.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class LivenessProbeTest {

    @Test
    void allRunAnswersWhenEveryExecutorRanItsTask() throws Exception {
        ExecutorService a = Executors.newSingleThreadExecutor();
        ExecutorService b = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        try {
            LivenessProbe probe = LivenessProbe.allRun(List.of(a, b));
            probe.probe().toCompletableFuture().get(5, TimeUnit.SECONDS);

            b.execute(() -> awaitQuietly(release)); // b's only thread is now stuck, like a blocked loop
            var stalled = probe.probe().toCompletableFuture();
            assertThatThrownBy(() -> stalled.get(200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);

            release.countDown();
            stalled.get(5, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            a.shutdownNow();
            b.shutdownNow();
        }
    }

    @Test
    void shutDownExecutorIsNotAlive() {
        ExecutorService gone = Executors.newSingleThreadExecutor();
        gone.shutdown();
        assertThatThrownBy(() -> LivenessProbe.allRun(List.of(gone)).probe().toCompletableFuture().get())
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> LivenessProbe.allRun(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
