package io.servd.cgroup;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class CgroupValuesPropertyTest {

    private static final Path FILE = Path.of("/sys/fs/cgroup/p/file");

    @Property
    void cpuMaxRoundTrips(@ForAll("cpuMaxes") CpuMax max) throws Exception {
        assertThat(CpuMax.parseCgroup(max.formatCgroup() + "\n", FILE)).isEqualTo(max);
    }

    @Property
    void memoryMaxRoundTrips(@ForAll("memoryMaxes") MemoryMax max) throws Exception {
        assertThat(MemoryMax.parseCgroup(max.formatCgroup() + "\n", FILE)).isEqualTo(max);
    }

    @Property
    void cpuMaxParsesOrThrowsOnlyMalformed(@ForAll String raw) {
        try {
            CpuMax.parseCgroup(raw, FILE);
        } catch (MalformedCgroupFileException e) {
            assertThat(e.getMessage()).contains("[" + raw.strip() + "]");
        }
    }

    @Property
    void memoryMaxParsesOrThrowsOnlyMalformed(@ForAll String raw) {
        try {
            MemoryMax.parseCgroup(raw, FILE);
        } catch (MalformedCgroupFileException e) {
            assertThat(e.getMessage()).contains("[" + raw.strip() + "]");
        }
    }

    @Provide
    Arbitrary<CpuMax> cpuMaxes() {
        Arbitrary<Duration> micros = Arbitraries.longs().between(1, 1L << 40).map(us -> Duration.ofNanos(us * 1000));
        Arbitrary<CpuMax> limited = Combinators.combine(micros, micros).as(CpuMax::of);
        Arbitrary<CpuMax> unlimited = micros.map(CpuMax::unlimited);
        return Arbitraries.oneOf(limited, unlimited);
    }

    @Provide
    Arbitrary<MemoryMax> memoryMaxes() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, Long.MAX_VALUE).map(b -> MemoryMax.of(ByteSize.ofBytes(b))),
                Arbitraries.just(MemoryMax.unlimited()));
    }
}
