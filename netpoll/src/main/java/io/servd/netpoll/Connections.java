package io.servd.netpoll;

import io.netty.channel.Channel;

import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open connections of one server (or of the clients of one {@link EventLoops}): admission
 * against a maximum, and a future that completes when the last one closes. Thread-safe: channels
 * are added on whichever event loop accepted them and removed on the one that closed them.
 */
final class Connections {
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicInteger lingering = new AtomicInteger();
    private final CompletableFuture<Void> empty = new CompletableFuture<>();
    private volatile boolean awaitingEmpty;

    /** Tracks {@code channel} until it closes, unless {@code max} connections are already open. */
    boolean tryAdd(Channel channel, OptionalInt max) {
        int current;
        do {
            current = count.get();
            if (max.isPresent() && current >= max.getAsInt()) {
                refused.incrementAndGet();
                return false;
            }
        } while (!count.compareAndSet(current, current + 1));
        open.add(channel);
        channel.closeFuture().addListener(f -> {
            open.remove(channel);
            if (count.decrementAndGet() == 0 && awaitingEmpty) {
                empty.complete(null);
            }
        });
        return true;
    }

    /**
     * Whether a refused {@code channel} may linger after its refusal ({@link Refusal}): true while
     * fewer than {@code max} do, counting it until it closes.
     */
    boolean tryLinger(Channel channel, OptionalInt max) {
        int current;
        do {
            current = lingering.get();
            if (max.isPresent() && current >= max.getAsInt()) {
                return false;
            }
        } while (!lingering.compareAndSet(current, current + 1));
        channel.closeFuture().addListener(f -> lingering.decrementAndGet());
        return true;
    }

    int count() {
        return count.get();
    }

    long refused() {
        return refused.get();
    }

    List<Channel> snapshot() {
        return List.copyOf(open);
    }

    /** Completes once no connection is open; at once if none is. */
    CompletableFuture<Void> whenEmpty() {
        awaitingEmpty = true;
        if (count.get() == 0) {
            empty.complete(null);
        }
        return empty;
    }
}
