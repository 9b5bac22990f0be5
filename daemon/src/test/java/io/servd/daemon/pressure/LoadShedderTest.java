package io.servd.daemon.pressure;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.Limit;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoadShedderTest {
    private static final long MIB = 1024 * 1024;
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final FakeRelief relief = new FakeRelief();
    private final LoadShedder shedder = new LoadShedder(PressureOptions.defaults(), relief, now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    private void usage(long mib) {
        relief.usage = mib * MIB;
        shedder.onMemoryCurrent(ByteSize.ofMebibytes(mib));
    }

    private static Limit<ByteSize> mib(long n) {
        return new Limit.AtMost<>(ByteSize.ofMebibytes(n));
    }

    @Test
    void aFirstPressureEventGivesBackWithoutShedding() {
        shedder.onPressure();

        assertThat(relief.reasons).containsExactly("memory pressure");
        assertThat(shedder.isShedding()).isFalse();
        assertThat(shedder.status().reason()).isEmpty();
    }

    @Test
    void pressureAgainWithinTheQuietPeriodAfterGivingBackSheds() {
        shedder.onPressure();
        advance(Duration.ofSeconds(3));
        shedder.onPressure();

        assertThat(shedder.isShedding()).isTrue();
        assertThat(shedder.status().reason()).contains("memory pressure persists after giving back");
        assertThat(shedder.status().sheds()).isEqualTo(1);
    }

    @Test
    void pressureAfterTheQuietPeriodOnlyGivesBackAgain() {
        shedder.onPressure();
        advance(Duration.ofSeconds(11));
        shedder.onPressure();

        assertThat(shedder.isShedding()).isFalse();
        assertThat(relief.reasons).hasSize(2);
    }

    @Test
    void usageAboveHighWaterThatGivingBackBringsDownDoesNotShed() {
        shedder.onMemoryLimit(new Limit.Unlimited<>(), mib(64));
        relief.after = u -> 40 * MIB;
        usage(60); // 0.9 x 64 MiB = 57.6 MiB

        assertThat(relief.reasons).singleElement().asString().contains("memory.current [60.0 MiB] above high water [57.6 MiB]");
        assertThat(shedder.isShedding()).isFalse();
    }

    @Test
    void usageStillAboveHighWaterAfterGivingBackShedsAgainstTheLowerOfHighAndMax() {
        shedder.onMemoryLimit(mib(48), mib(64)); // memory.high is the tighter: high water 43.2 MiB
        relief.after = u -> u - MIB;
        usage(46);

        assertThat(shedder.isShedding()).isTrue();
        assertThat(shedder.status().reason()).contains("memory.current [45.0 MiB] above high water [43.2 MiB] after giving back");
    }

    @Test
    void recoversOnlyAfterTheQuietPeriodAndBelowTheLowWaterMark() {
        shedder.onMemoryLimit(new Limit.Unlimited<>(), mib(64));
        usage(60);
        assertThat(shedder.isShedding()).isTrue();
        shedder.onPressure();

        advance(Duration.ofSeconds(5));
        usage(40); // below 0.75 x 64 = 48 MiB, but pressure 5 s ago
        assertThat(shedder.isShedding()).isTrue();

        advance(Duration.ofSeconds(6));
        usage(50); // quiet for 11 s, but above the low water mark
        assertThat(shedder.isShedding()).isTrue();

        usage(47);
        assertThat(shedder.isShedding()).isFalse();
        assertThat(shedder.status()).isEqualTo(new ShedStatus(false, java.util.Optional.empty(), java.util.Optional.empty(), 1, 0));
    }

    @Test
    void aLoweredLimitGivesBackAtOnceAndShedsIfUsageStaysAbove() {
        shedder.onMemoryLimit(new Limit.Unlimited<>(), mib(64));
        relief.usage = 50 * MIB;
        assertThat(relief.reasons).isEmpty(); // the first reading is not a change

        shedder.onMemoryLimit(new Limit.Unlimited<>(), mib(48));

        assertThat(relief.reasons).first().asString().isEqualTo("memory limit lowered from [64.0 MiB] to [48.0 MiB]");
        assertThat(shedder.isShedding()).isTrue();
    }

    @Test
    void aRaisedLimitEndsSheddingWithoutWaitingForTheQuietPeriod() {
        shedder.onMemoryLimit(new Limit.Unlimited<>(), mib(48));
        usage(46);
        shedder.onPressure();
        assertThat(shedder.isShedding()).isTrue();

        shedder.onMemoryLimit(new Limit.Unlimited<>(), mib(64)); // 46 MiB is under 0.75 x 64 MiB

        assertThat(shedder.isShedding()).isFalse();
    }

    @Test
    void withoutALimitOnlyPressureShedsAndQuietEndsIt() {
        shedder.onPressure();
        shedder.onPressure();
        assertThat(shedder.isShedding()).isTrue();

        advance(Duration.ofSeconds(10));
        usage(500);
        assertThat(shedder.isShedding()).isFalse();
    }

    @Test
    void theStatusSaysSinceWhenAndForgetsItOnRecovery() {
        var clock = java.time.Clock.fixed(java.time.Instant.parse("2026-12-02T05:00:00Z"), java.time.ZoneOffset.UTC);
        var timed = new LoadShedder(PressureOptions.defaults(), relief, now::get, clock);
        timed.onPressure();
        timed.onPressure();

        assertThat(timed.status().since()).contains(java.time.Instant.parse("2026-12-02T05:00:00Z"));

        advance(Duration.ofSeconds(10));
        timed.onMemoryCurrent(ByteSize.ofMebibytes(1));
        assertThat(timed.status().shedding()).isFalse();
        assertThat(timed.status().since()).isEmpty();
        assertThat(timed.status().sheds()).isEqualTo(1);
    }
}
