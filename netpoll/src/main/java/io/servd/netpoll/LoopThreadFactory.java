package io.servd.netpoll;

import io.netty.util.concurrent.FastThreadLocalThread;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names event-loop threads {@code <prefix>-1}, {@code <prefix>-2}, … so that thread dumps and
 * {@code top -H} show {@code servd-io-N}. Threads are Netty's {@link FastThreadLocalThread} (its
 * pooled allocator's caches depend on them) and non-daemon: the owner of {@link EventLoops}
 * decides when the process ends.
 */
final class LoopThreadFactory implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger next = new AtomicInteger(1);

    LoopThreadFactory(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new FastThreadLocalThread(task, prefix + "-" + next.getAndIncrement());
        thread.setDaemon(false);
        return thread;
    }
}
