package io.servd.netpoll;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out only the first {@code active} loops of a group built with room for more, round-robin.
 * Netty starts a loop's thread on its first task, so loops beyond {@code active} cost no thread
 * until a resize lets connections reach them. Shrinking only steers new connections: those already
 * on a loop past {@code active} stay there until they close, so no connection is dropped.
 */
final class ResizableChooser implements EventExecutorChooserFactory, EventExecutorChooserFactory.EventExecutorChooser {
    private final AtomicInteger next = new AtomicInteger();
    private volatile EventExecutor[] executors = new EventExecutor[0];
    private volatile int active;
    private volatile int highWater; // loops that may have a thread: every index ever handed out is below it

    ResizableChooser(int active) {
        this.active = active;
        this.highWater = active;
    }

    @Override
    public EventExecutorChooser newChooser(EventExecutor[] all) {
        this.executors = all.clone();
        return this;
    }

    @Override
    public EventExecutor next() {
        return executors[Math.floorMod(next.getAndIncrement(), active)];
    }

    int capacity() {
        return executors.length;
    }

    int active() {
        return active;
    }

    /** Sets the number of loops new work goes to, capped to [1, capacity]; returns what was set. */
    synchronized int resize(int wanted) {
        int n = Math.max(1, Math.min(wanted, executors.length));
        active = n;
        highWater = Math.max(highWater, n);
        return n;
    }

    /** The loops that may be running (and so may carry connections). */
    List<EventExecutor> started() {
        return Arrays.asList(executors).subList(0, Math.min(highWater, executors.length));
    }
}
