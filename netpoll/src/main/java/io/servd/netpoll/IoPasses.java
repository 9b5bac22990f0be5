package io.servd.netpoll;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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
 * Watches each loop's progress: every return of {@link IoHandler#run}, which Netty's loop calls once
 * per iteration between its task runs, and every connection's completed read inside a pass
 * ({@link #handler()}). A loop that makes progress is alive, however long its task queue or its pass:
 * the watchdog's ping ({@link EventLoops#ping}) tells a busy loop (progress continues, its ping waits
 * behind the queue or the pass) from a wedged one (a handler or task that never returns: progress
 * stops). A pass over many busy connections can outlast the ping's timeout (EventLoopsTest: 100 reads
 * of 30 ms in one pass), so the end of a pass alone is not enough. The loop itself completes what waits for its progress: no
 * thread polls. The wrapped handler does everything else.
 */
final class IoPasses implements IoHandlerFactory {
    private final IoHandlerFactory delegate;
    private final Map<ThreadAwareExecutor, Queue<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();
    private final ChannelHandler progress = new Progress();

    IoPasses(IoHandlerFactory delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * Completes {@code done} when {@code loop} next completes an I/O pass (one under way now counts)
     * or a connection's read within one.
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

    /**
     * A handler for every served connection's pipeline: each completed read on a loop completes what
     * waits for that loop's progress, as the end of a pass does. Sharable; an empty-queue check per read.
     */
    ChannelHandler handler() {
        return progress;
    }

    @ChannelHandler.Sharable
    private final class Progress extends ChannelInboundHandlerAdapter {
        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            Queue<CompletableFuture<Void>> queue = waiting.get(ctx.channel().eventLoop());
            if (queue != null) {
                completeAll(queue);
            }
            ctx.fireChannelReadComplete();
        }
    }

    private static void completeAll(Queue<CompletableFuture<Void>> queue) {
        for (CompletableFuture<Void> done; (done = queue.poll()) != null; ) {
            done.complete(null);
        }
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
            completeAll(waiting);
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
