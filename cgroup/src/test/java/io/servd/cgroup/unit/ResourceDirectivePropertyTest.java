package io.servd.cgroup.unit;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CpuMax;
import io.servd.cgroup.CpuWeight;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ResourceDirectivePropertyTest {

    @Property
    void formatThenParseIsIdentity(@ForAll("directives") ResourceDirective directive) {
        assertThat(ResourceDirectives.parse(directive.name(), directive.format())).isEqualTo(directive);
    }

    @Property(tries = 3000)
    void arbitraryStringsParseOrRaiseOnlyInvalidDirective(@ForAll("names") String name, @ForAll("junk") String value) {
        try {
            ResourceDirective parsed = ResourceDirectives.parse(name, value);
            assertThat(parsed.name()).isEqualTo(name);
        } catch (InvalidDirectiveException e) {
            assertThat(e.getMessage()).contains("[" + value + "]");
        }
    }

    @Property
    void cpuQuotaIsMonotonicInPercentAndNeverBelowOneMillisecond(
            @ForAll @IntRange(min = 1, max = 1_000_000) int permyriad, @ForAll("periods") CpuQuotaPeriodSec period) {
        CpuMax lower = new CpuQuota(Optional.of(new Permyriad(permyriad))).toCpuMax(period);
        CpuMax higher = new CpuQuota(Optional.of(new Permyriad(permyriad + 1))).toCpuMax(period);

        assertThat(higher.cpus().getAsDouble()).isGreaterThanOrEqualTo(lower.cpus().getAsDouble() - 1e-9);
        assertThat(((io.servd.cgroup.Limit.AtMost<Duration>) lower.quota()).value()).isGreaterThanOrEqualTo(Duration.ofMillis(1));
        assertThat(lower.period()).isBetween(Duration.ofMillis(1), Duration.ofSeconds(1));
    }

    @Property
    void timeSpanFormatRoundTrips(@ForAll("micros") long micros) {
        TimeSpan span = TimeSpan.ofMicros(micros);
        assertThat(TimeSpan.parse("CPUQuotaPeriodSec", span.format())).isEqualTo(span);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.of(ResourceDirectives.names());
    }

    @Provide
    Arbitrary<String> junk() {
        // arbitrary text, plus near misses built from the directive alphabet
        Arbitrary<String> near = Arbitraries.strings().withChars("0123456789.%‰‱ KMGTPEBsmuhinfty-").ofMaxLength(12);
        return Arbitraries.oneOf(Arbitraries.strings(), near);
    }

    @Provide
    Arbitrary<Long> micros() {
        return Arbitraries.longs().between(0, 200L * 365 * 24 * 3600 * 1_000_000L);
    }

    @Provide
    Arbitrary<CpuQuotaPeriodSec> periods() {
        return Arbitraries.oneOf(Arbitraries.just(CpuQuotaPeriodSec.defaultPeriod()),
                micros().map(us -> new CpuQuotaPeriodSec(Optional.of(TimeSpan.ofMicros(us)))));
    }

    @Provide
    Arbitrary<ResourceDirective> directives() {
        Arbitrary<MemoryDirective.Property> property = Arbitraries.of(MemoryDirective.Property.class);
        Arbitrary<MemoryDirective.Value> memoryValue = Arbitraries.oneOf(
                Arbitraries.longs().between(1, Long.MAX_VALUE).map(b -> new MemoryDirective.Bytes(ByteSize.ofBytes(b))),
                Arbitraries.integers().between(0, 10_000).map(p -> new MemoryDirective.Percent(new Permyriad(p))),
                Arbitraries.just(new MemoryDirective.Infinity()));
        Arbitrary<ResourceDirective> memory = net.jqwik.api.Combinators.combine(property, memoryValue)
                .filter((p, v) -> !(v instanceof MemoryDirective.Percent pc && pc.share().value() == 0
                        && (p == MemoryDirective.Property.MEMORY_MAX || p == MemoryDirective.Property.MEMORY_HIGH)))
                .as(MemoryDirective::new);
        Arbitrary<ResourceDirective> quota = Arbitraries.oneOf(Arbitraries.just(CpuQuota.none()),
                Arbitraries.integers().between(1, 10_000_000).map(p -> new CpuQuota(Optional.of(new Permyriad(p)))));
        Arbitrary<ResourceDirective> period = periods().map(p -> p);
        Arbitrary<ResourceDirective> weight = Arbitraries.oneOf(
                Arbitraries.integers().between(1, 10_000).map(w -> new CpuWeightDirective(new CpuWeightDirective.Weight(new CpuWeight(w)))),
                Arbitraries.just(new CpuWeightDirective(new CpuWeightDirective.Idle())),
                Arbitraries.just(new CpuWeightDirective(new CpuWeightDirective.Unset())));
        Arbitrary<ResourceDirective> tasks = Arbitraries.oneOf(
                Arbitraries.longs().between(1, 999_999_999_999_999_999L).map(n -> new TasksMax(new TasksMax.Count(n))),
                // up to 99.99%: set-property refuses TasksMax=100% (TasksMaxScale must stay below UINT32_MAX)
                Arbitraries.integers().between(1, 9_999).map(p -> new TasksMax(new TasksMax.Percent(new Permyriad(p)))),
                Arbitraries.just(new TasksMax(new TasksMax.Infinity())));
        return Arbitraries.oneOf(memory, quota, period, weight, tasks);
    }
}
