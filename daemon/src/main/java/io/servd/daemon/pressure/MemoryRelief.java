package io.servd.daemon.pressure;

import io.servd.cgroup.ByteSize;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;

/** Gives memory back to the kernel: {@link GiveBack} in production, a recording fake in tests. */
interface MemoryRelief {
    /**
     * Frees what can be freed now and logs one line saying what, measured before and after.
     *
     * @param reason    why, for the log line
     * @param eventLoops the event loops serving connections now (their thread caches are trimmed there)
     * @return the memory in use afterwards ({@code memory.current}, else RSS); empty if unmeasurable
     */
    Optional<ByteSize> giveBack(String reason, Set<Executor> eventLoops);
}
