package io.servd.daemon.pressure;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.servd.cgroup.ByteSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives memory back, cheapest first, and logs one line with what it freed:
 * <ol>
 * <li>Netty's per-thread buffer caches, where the default allocator is pooled
 *     ({@code -Dio.netty.allocator.type=pooled}): each event loop trims its own
 *     ({@link PooledByteBufAllocator#trimCurrentThreadCache()}, run through {@code execute}). Netty
 *     4.2's default, the adaptive allocator, offers no trim; unpooled (the agent's, and the shipped
 *     greeter unit's choice) holds nothing to trim;</li>
 * <li>the heap's free space: {@link System#gc()} — a full collection, after which the committed heap
 *     shrinks toward {@code MaxHeapFreeRatio}, never below {@code -Xms}. Measured
 *     ({@code bench/results/2026-12-02-giveback.md}): SerialGC frees at once only with
 *     {@code -XX:-ShrinkHeapInSteps} (else the first full GC shrinks by 0 %); G1 uncommits concurrently,
 *     so part of what it frees lands after the "after" measurement and the log line under-reports it;</li>
 * <li>the C heap: glibc's {@code malloc_trim(0)} returns the free tops and free pages of every arena.</li>
 * </ol>
 * Usage is measured before and after with {@code gauge} ({@code memory.current}, else RSS). Runs on the
 * caller's thread, which is never an event loop: a collection takes milliseconds to seconds.
 */
final class GiveBack implements MemoryRelief {
    private static final Logger log = LoggerFactory.getLogger(GiveBack.class);
    /** How long an event loop may take to run its trim task before we measure without it. */
    private static final long TRIM_WAIT_MILLIS = 500;

    private final Supplier<Optional<ByteSize>> gauge;

    GiveBack(Supplier<Optional<ByteSize>> gauge) {
        this.gauge = gauge;
    }

    @Override
    public Optional<ByteSize> giveBack(String reason, Set<Executor> eventLoops) {
        Optional<ByteSize> before = gauge.get();
        List<String> done = new ArrayList<>();
        int trimmed = trimNettyCaches(ByteBufAllocator.DEFAULT, eventLoops);
        if (trimmed > 0) {
            done.add("netty caches on [" + trimmed + "] loops");
        }
        System.gc();
        done.add("gc");
        if (mallocTrim()) {
            done.add("malloc_trim");
        }
        Optional<ByteSize> after = gauge.get();
        if (before.isPresent() && after.isPresent()) {
            long freed = before.get().bytes() - after.get().bytes();
            log.info("gave back [{}] on {}: [{}] -> [{}] ({})", freed >= 0 ? ByteSize.ofBytes(freed).humanReadable()
                            : "-" + ByteSize.ofBytes(-freed).humanReadable(), reason, before.get().humanReadable(),
                    after.get().humanReadable(), String.join(", ", done));
        } else {
            log.info("gave back memory on {} (unmeasured: {})", reason, String.join(", ", done));
        }
        return after;
    }

    /** Trims {@code allocator}'s thread cache on each loop, if it is pooled; the number of loops trimmed. */
    static int trimNettyCaches(ByteBufAllocator allocator, Set<Executor> eventLoops) {
        if (!(allocator instanceof PooledByteBufAllocator pooled)) {
            return 0;
        }
        List<CompletableFuture<Void>> trims = new ArrayList<>();
        for (Executor loop : eventLoops) {
            try {
                trims.add(CompletableFuture.runAsync(pooled::trimCurrentThreadCache, loop));
            } catch (RejectedExecutionException e) {
                // a loop shutting down frees its caches itself
            }
        }
        try {
            CompletableFuture.allOf(trims.toArray(CompletableFuture[]::new)).get(TRIM_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) { // a busy loop trims later; we measure without waiting longer
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        return (int) trims.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
    }

    /** glibc's {@code malloc_trim(0)}; false where the C library has none (musl). */
    static boolean mallocTrim() {
        try {
            PressureLibc.libc().malloc_trim(0);
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    /** Resident set size of this process, {@code VmRSS} in {@code /proc/self/status}. */
    static Supplier<Optional<ByteSize>> rss() {
        return () -> readRss(Path.of("/proc/self/status"));
    }

    static Optional<ByteSize> readRss(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                // "VmRSS:	   51200 kB"
                if (line.startsWith("VmRSS:")) {
                    String[] f = line.substring(6).trim().split("\\s+");
                    return Optional.of(ByteSize.ofBytes(Long.parseLong(f[0]) * 1024));
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("cannot read RSS from [{}]", status, e);
        }
        return Optional.empty();
    }
}
