package io.servd.cgroup.unit;

import io.servd.testsupport.NearMiss;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.BitSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Near misses of valid values for the parsers of issue 16 item 3: a value or our exception, naming the value. */
class NewDirectivePropertyTest {

    @Property(tries = 2000)
    void nearMissesParseOrRaiseOnlyInvalidDirective(@ForAll("names") String name, @ForAll("nearMisses") String value) {
        try {
            ResourceDirective parsed = ResourceDirectives.parse(name, value);
            assertThat(parsed.name()).isEqualTo(name);
            // whatever parses has every form: none of them may throw
            parsed.dropInLine();
            parsed.dbusProperty();
            CgroupSettings.of(java.util.List.of(parsed)).plannedWrites(NewDirectivesTest.HOST);
        } catch (InvalidDirectiveException e) {
            assertThat(e.getMessage()).contains("[" + value + "]").contains(name + "=");
        }
    }

    @Property
    void aSingleAssignmentFormatsToWhatParsesBackEqual(@ForAll("names") String name, @ForAll("nearMisses") String value) {
        ResourceDirective parsed;
        try {
            parsed = ResourceDirectives.parse(name, value);
        } catch (InvalidDirectiveException e) {
            return;
        }
        assertThat(ResourceDirectives.parse(name, parsed.format())).isEqualTo(parsed);
    }

    @Property
    void cpuSetsRoundTripThroughTheirDbusBitmask(@ForAll("cpuSets") BitSet set) {
        CpuSetDirective d = new CpuSetDirective(DirectiveKind.ALLOWED_CPUS, set);
        assertThat(CpuSetDirective.fromDbus(DirectiveKind.ALLOWED_CPUS, d.dbusProperty().bytes())).isEqualTo(d);
        assertThat(CpuSetDirective.parse(DirectiveKind.ALLOWED_CPUS, d.format())).isEqualTo(d);
        assertThat(d.dbusProperty().bytes().size() % 8).isZero();
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.of("IOWeight", "StartupIOWeight", "StartupCPUWeight", "AllowedCPUs", "AllowedMemoryNodes",
                "IODeviceWeight", "IOReadBandwidthMax", "IOWriteBandwidthMax", "IOReadIOPSMax", "IOWriteIOPSMax", "MemoryZSwapMax");
    }

    @Provide
    Arbitrary<String> nearMisses() {
        return NearMiss.of("500", "idle", "0-3", "0,2-3 5", "8191", "/dev/vda 1M", "/dev/vda infinity", "/dev/vda1 1.5K",
                "/dev/block/254:0 250", "/var/lib 10G", "1G", "infinity", "");
    }

    @Provide
    Arbitrary<BitSet> cpuSets() {
        return Arbitraries.integers().between(0, 8191).set().ofMaxSize(40).map(cpus -> {
            BitSet set = new BitSet();
            cpus.forEach(set::set);
            return set;
        });
    }
}
