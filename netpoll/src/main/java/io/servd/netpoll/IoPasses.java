package io.servd.netpoll;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts each loop's I/O passes: every return of {@link IoHandler#run}, which Netty's loop calls
 * once per iteration between its task runs. A loop whose count moves is making progress, however
 * long its task queue: the watchdog's ping ({@link EventLoops#ping}) tells a busy loop (the count
 * moves, its ping waits behind the queue) from a wedged one (a handler or task that never returns:
 * the count stops). The wrapped handler does everything else.
 */
final class IoPasses implements IoHandlerFactory {
    private final IoHandlerFactory delegate;
    private final Map<ThreadAwareExecutor, AtomicLong> passes = new ConcurrentHashMap<>();

    IoPasses(IoHandlerFactory delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The I/O passes {@code loop} has completed so far; empty for a loop these handlers do not serve. */
    OptionalLong of(Object loop) {
        AtomicLong count = passes.get(loop);
        return count == null ? OptionalLong.empty() : OptionalLong.of(count.get());
    }

    @Override
    public IoHandler newHandler(ThreadAwareExecutor loop) {
        AtomicLong count = new AtomicLong();
        passes.put(loop, count);
        return new Counting(delegate.newHandler(loop), count);
    }

    @Override
    public boolean isChangingThreadSupported() {
        return delegate.isChangingThreadSupported();
    }

    private static final class Counting implements IoHandler {
        private final IoHandler delegate;
        private final AtomicLong passes;

        Counting(IoHandler delegate, AtomicLong passes) {
            this.delegate = delegate;
            this.passes = passes;
        }

        @Override
        public int run(IoHandlerContext context) {
            int handled = delegate.run(context);
            passes.lazySet(passes.get() + 1); // only the loop's own thread writes
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
