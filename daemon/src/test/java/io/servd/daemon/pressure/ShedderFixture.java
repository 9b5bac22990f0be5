package io.servd.daemon.pressure;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.Limit;

/**
 * Drives a real {@link LoadShedder} into and out of shedding through its public inputs, for the
 * agent's and the greeter's pipeline tests (this module's test-jar).
 */
public final class ShedderFixture {
    private ShedderFixture() {
    }

    /** A 1 MiB {@code memory.max}: any JVM stays above it after giving back, so the shedder sheds. */
    public static void squeeze(LoadShedder shedder) {
        shedder.onMemoryLimit(new Limit.Unlimited<>(), new Limit.AtMost<>(ByteSize.ofMebibytes(1)));
        shedder.onMemoryCurrent(ByteSize.ofMebibytes(1));
        assertThat(shedder.isShedding()).as("shedding under a 1 MiB limit").isTrue();
    }

    /** {@code memory.max} back to {@code max}: the limit grew back, shedding ends at once. */
    public static void release(LoadShedder shedder) {
        shedder.onMemoryLimit(new Limit.Unlimited<>(), new Limit.Unlimited<>());
        assertThat(shedder.isShedding()).as("shedding after the limit grew back").isFalse();
    }
}
