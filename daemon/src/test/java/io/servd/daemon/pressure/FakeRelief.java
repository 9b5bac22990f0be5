package io.servd.daemon.pressure;

import io.servd.cgroup.ByteSize;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.LongUnaryOperator;

/** Records each give-back; usage afterwards is {@code after} applied to the usage it was told of last. */
final class FakeRelief implements MemoryRelief {
    final List<String> reasons = new CopyOnWriteArrayList<>();
    volatile long usage;
    volatile LongUnaryOperator after = u -> u;

    @Override
    public Optional<ByteSize> giveBack(String reason, Set<Executor> eventLoops) {
        reasons.add(reason);
        usage = after.applyAsLong(usage);
        return Optional.of(ByteSize.ofBytes(usage));
    }
}
