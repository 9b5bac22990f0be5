package io.servd.netpoll;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;

import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Counts each loop's I/O passes: every return of {@link IoHandler#run}, which Netty's loop calls
 * once per iteration between its task runs. A loop whose count moves is making progress, however
 * long its task queue: the watchdog's ping ({@link EventLoops#ping}) tells a busy loop (the count
 * moves, its ping waits behind the queue) from a wedged one (a handler or task that never returns:
 * the count stops). The loop itself completes what waits for its next pass, at the end of that pass:
 * no thread polls. The wrapped handler does everything else.
 */
final class IoPasses implements IoHandlerFactory {
    private final IoHandlerFactory delegate;
    private final Map<ThreadAwareExecutor, Queue<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

    IoPasses(IoHandlerFactory delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * Completes {@code done} when {@code loop} next completes an I/O pass (one under way now counts).
     *
     * @return false, and nothing registered, for a loop these handlers do not serve
     */
    boolean afterNextPass(Object loop, CompletableFuture<Void> done) {
        Queue<CompletableFuture<Void>> queue = waiting.get(loop);
        if (queue == null) {
            return false;
        }
        queue.add(done);
        done.whenComplete((v, e) -> queue.remove(done)); // answered otherwise (its task ran, a timeout): forgotten
        return true;
    }

    @Override
    public IoHandler newHandler(ThreadAwareExecutor loop) {
        Queue<CompletableFuture<Void>> queue = new ConcurrentLinkedQueue<>();
        waiting.put(loop, queue);
        return new Counting(delegate.newHandler(loop), queue);
    }

    @Override
    public boolean isChangingThreadSupported() {
        return delegate.isChangingThreadSupported();
    }

    private static final class Counting implements IoHandler {
        private final IoHandler delegate;
        private final Queue<CompletableFuture<Void>> waiting;

        Counting(IoHandler delegate, Queue<CompletableFuture<Void>> waiting) {
            this.delegate = delegate;
            this.waiting = waiting;
        }

        @Override
        public int run(IoHandlerContext context) {
            int handled = delegate.run(context);
            for (CompletableFuture<Void> done; (done = waiting.poll()) != null; ) {
                done.complete(null);
            }
            return handled;
        }

        @Override
        public void initialize() {
            delegate.initialize();
        }

        @Override
        public void prepareToDestroy() {
            delegate.prepareToDestroy();
        }

        @Override
        public void destroy() {
            delegate.destroy();
        }

        @Override
        public IoRegistration register(IoHandle handle) throws Exception {
            return delegate.register(handle);
        }

        @Override
        public void wakeup() {
            delegate.wakeup();
        }

        @Override
        public boolean isCompatible(Class<? extends IoHandle> handleType) {
            return delegate.isCompatible(handleType);
        }
    }
}
