package io.servd.cgroup.unit;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A unit file's I/O device lines accumulate as systemd's parser's do; an empty line resets the list. */
class UnitFileDeviceListsTest {

    @Test
    void deviceLinesAccumulateAndAnEmptyOneResets() {
        UnitFile unit = UnitFile.parse("demo.service", """
                [Service]
                IOReadBandwidthMax=/dev/vda 1M
                IOReadBandwidthMax=/dev/vdb 2M
                IODeviceWeight=/dev/vda 100
                IODeviceWeight=
                IODeviceWeight=/dev/vdb 200
                IOWeight=300
                IOWeight=400
                """).value();
        CgroupSettings settings = UnitResources.fromUnit(unit, "Service").value();

        assertThat(settings.get(DirectiveKind.IO_READ_BANDWIDTH_MAX).orElseThrow().dropInLine())
                .isEqualTo("IOReadBandwidthMax=\nIOReadBandwidthMax=/dev/vda 1000000\nIOReadBandwidthMax=/dev/vdb 2000000\n");
        assertThat(settings.get(DirectiveKind.IO_DEVICE_WEIGHT).orElseThrow().dropInLine())
                .isEqualTo("IODeviceWeight=\nIODeviceWeight=/dev/vdb 200\n");
        assertThat(settings.get(DirectiveKind.IO_WEIGHT).orElseThrow().format()).isEqualTo("400");
        assertThat(settings.plannedWrites(NewDirectivesTest.HOST)).extracting(Object::toString).containsExactly(
                "io.weight=default 400", "io.weight=254:16 200",
                "io.max=254:0 rbps=1000000 wbps=max riops=max wiops=max",
                "io.max=254:16 rbps=2000000 wbps=max riops=max wiops=max");
    }

    @Test
    void theLimitsOfOneDeviceShareItsIoMaxLine() {
        CgroupSettings settings = CgroupSettings.of(List.of(
                ResourceDirectives.parse("IOWriteIOPSMax", "/dev/vda 10"),
                ResourceDirectives.parse("IOReadBandwidthMax", "/dev/vda 1K")));
        assertThat(settings.plannedWrites(NewDirectivesTest.HOST)).extracting(Object::toString)
                .containsExactly("io.max=254:0 rbps=1000 wbps=max riops=max wiops=10");
    }
}
