package io.servd.daemon.pressure;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.servd.cgroup.ByteSize;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GiveBackTest {

    @Test
    void aPooledAllocatorsThreadCacheIsTrimmedOnTheLoopThatOwnsIt() throws Exception {
        var pooled = new PooledByteBufAllocator(true, 1, 1, 8192, 9, 64, 32, true);
        var loop = new DefaultEventExecutor();
        try {
            // a buffer allocated and released on the loop parks in that thread's cache
            loop.submit(() -> pooled.directBuffer(1024).release()).get();
            long cachedBefore = loop.submit(() -> pooled.metric().directArenas().get(0).numThreadCaches()).get();

            int trimmed = GiveBack.trimNettyCaches(pooled, Set.of(loop));

            assertThat(cachedBefore).isEqualTo(1);
            assertThat(trimmed).isEqualTo(1);
            ByteBuf again = loop.submit(() -> pooled.directBuffer(1024)).get();
            again.release();
        } finally {
            loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void anUnpooledAllocatorHasNothingToTrim() {
        AtomicInteger ran = new AtomicInteger();
        Executor counting = r -> {
            ran.incrementAndGet();
            r.run();
        };

        assertThat(GiveBack.trimNettyCaches(UnpooledByteBufAllocator.DEFAULT, Set.of(counting))).isZero();
        assertThat(ran).hasValue(0);
    }

    @Test
    void giveBackMeasuresBeforeAndAfterWithItsGauge() {
        var readings = new java.util.ArrayDeque<>(List.of(ByteSize.ofMebibytes(60), ByteSize.ofMebibytes(52)));

        Optional<ByteSize> after = new GiveBack(() -> Optional.of(readings.removeFirst())).giveBack("test", Set.of());

        assertThat(after).contains(ByteSize.ofMebibytes(52));
        assertThat(readings).isEmpty();
    }

    @Test
    void rssIsReadFromProcStatus(@TempDir Path dir) throws Exception {
        // captured from /proc/self/status of a JVM on Debian 12 (kernel 6.1)
        Path status = Files.writeString(dir.resolve("status"), "Name:\tjava\nVmHWM:\t  61312 kB\nVmRSS:\t   51200 kB\n");

        assertThat(GiveBack.readRss(status)).contains(ByteSize.ofBytes(51200L * 1024));
        assertThat(GiveBack.readRss(dir.resolve("absent"))).isEmpty();
        assertThat(GiveBack.rss().get()).isPresent(); // this process, on Linux
    }
}
