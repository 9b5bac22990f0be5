package io.servd.cgroup.unit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden: what {@code systemctl set-property UNIT Directive=value} puts on the bus, per systemd 252's
 * bus_append_unit_property_assignment() (src/shared/bus-unit-util.c), in {@code busctl} argument form.
 */
class DbusPropertiesTest {

    /** The first line of the VM capture is what the applier sent; the rest shows systemd took it as systemctl's. */
    @org.junit.jupiter.api.Test
    void matchesTheVmCapture() throws java.io.IOException {
        var capture = java.nio.file.Files.readAllLines(java.nio.file.Path.of(
                "src/test/resources/dbus-oracle/debian12-systemd252/probe.out"));
        var directives = java.util.List.of(ResourceDirectives.parse("MemoryMax", "64M"),
                ResourceDirectives.parse("CPUQuota", "50%"), ResourceDirectives.parse("TasksMax", "40%"),
                ResourceDirectives.parse("CPUWeight", "idle"), ResourceDirectives.parse("MemoryHigh", "50%"));
        assertThat(capture.get(0)).isEqualTo("properties " + DbusProperties.of(directives));
        int demo = capture.indexOf("== demo");
        int demo2 = capture.indexOf("== demo2");
        assertThat(capture.subList(demo + 1, demo + 12)).isEqualTo(capture.subList(demo2 + 1, demo2 + 12));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
        # directive | value     | busctl form
        MemoryMax   | 64M       | MemoryMax t 67108864
        MemoryMax   | 1.5G      | MemoryMax t 1610612736
        MemoryMax   | infinity  | MemoryMax t 18446744073709551615
        # empty resets: CGROUP_LIMIT_MAX for Max/High, as systemctl sends it
        MemoryMax   | ''        | MemoryMax t 18446744073709551615
        MemoryHigh  | 48M       | MemoryHigh t 50331648
        # percentages go as a share of UINT32_MAX, scaled server-side: UINT32_SCALE_FROM_PERMYRIAD
        MemoryMax   | 50%       | MemoryMaxScale u 2147483648
        MemoryHigh  | 12.5%     | MemoryHighScale u 536870912
        MemoryMax   | 100%      | MemoryMaxScale u 4294967295
        TasksMax    | 100       | TasksMax t 100
        TasksMax    | infinity  | TasksMax t 18446744073709551615
        TasksMax    | 40%       | TasksMaxScale u 1717986918
        # CPUQuota: permyriad × USEC_PER_SEC / 10000
        CPUQuota    | 50%       | CPUQuotaPerSecUSec t 500000
        CPUQuota    | 200%      | CPUQuotaPerSecUSec t 2000000
        CPUQuota    | 12.5%     | CPUQuotaPerSecUSec t 125000
        CPUQuota    | ''        | CPUQuotaPerSecUSec t 18446744073709551615
        CPUWeight   | 250       | CPUWeight t 250
        # CGROUP_WEIGHT_IDLE
        CPUWeight   | idle      | CPUWeight t 0
        # CGROUP_WEIGHT_INVALID
        CPUWeight   | ''        | CPUWeight t 18446744073709551615
        # not in the VM capture: systemd 252's source, parse_sec_def_infinity() then CPUQuotaPeriodUSec t
        CPUQuotaPeriodSec | 7ms      | CPUQuotaPeriodUSec t 7000
        CPUQuotaPeriodSec | infinity | CPUQuotaPeriodUSec t 18446744073709551615
        CPUQuotaPeriodSec | ''       | CPUQuotaPeriodUSec t 18446744073709551615
        """)
    void mapsLikeSystemctl(String directive, String value, String expected) {
        assertThat(ResourceDirectives.parse(directive, value).dbusProperty().toString()).isEqualTo(expected);
    }

    /** systemd names the drop-in after the property it received, except for the renamed CPU quota properties. */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
        MemoryMax | 50%
        MemoryLow | 1G
        TasksMax  | 40%
        TasksMax  | infinity
        CPUWeight | idle
        """)
    void dropInIsNamedAfterTheDbusProperty(String directive, String value) {
        ResourceDirective d = ResourceDirectives.parse(directive, value);
        assertThat(d.dropInName()).isEqualTo(d.dbusProperty().name());
    }

    /**
     * The property a rollback reads and sets back is the one an absolute value is sent as, for every
     * settable directive: the value read is then a valid argument of the same call.
     */
    @ParameterizedTest
    @CsvSource({"CPUWeight, 200", "CPUQuota, 50%", "MemoryMin, 1M", "MemoryLow, 1M", "MemoryHigh, 1M", "MemoryMax, 1M",
            "MemorySwapMax, 1M", "TasksMax, 10", "CPUQuotaPeriodSec, 10ms", "StartupCPUWeight, 200", "IOWeight, 200",
            "StartupIOWeight, 200", "MemoryZSwapMax, 1M"})
    void theValuePropertyIsWhatAnAbsoluteValueIsSentAs(String directive, String value) {
        ResourceDirective d = ResourceDirectives.parse(directive, value);
        assertThat(d.kind().valueProperty()).isEqualTo(d.dbusProperty().name());
        assertThat(d.dbusProperty().signature()).isEqualTo(DbusProperty.Signature.UINT64);
    }

    /** The cpu sets ({@code ay}) and device lists ({@code a(st)}) read back as they are sent, too. */
    @ParameterizedTest
    @CsvSource({"AllowedCPUs, 0-1, BYTES", "AllowedMemoryNodes, 0, BYTES", "IODeviceWeight, /dev/vda 5, DEVICES",
            "IOReadBandwidthMax, /dev/vda 1M, DEVICES", "IOWriteBandwidthMax, /dev/vda 1M, DEVICES",
            "IOReadIOPSMax, /dev/vda 1, DEVICES", "IOWriteIOPSMax, /dev/vda 1, DEVICES"})
    void theValuePropertyOfAListIsWhatItIsSentAs(String directive, String value, DbusProperty.Signature signature) {
        ResourceDirective d = ResourceDirectives.parse(directive, value);
        assertThat(d.kind().valueProperty()).isEqualTo(d.dbusProperty().name());
        assertThat(d.dbusProperty().signature()).isEqualTo(signature);
    }

    @org.junit.jupiter.api.Test
    void everyKindIsCoveredAbove() {
        assertThat(DirectiveKind.values()).extracting(DirectiveKind::directive).containsExactlyInAnyOrder("CPUWeight", "CPUQuota",
                "CPUQuotaPeriodSec", "MemoryMin", "MemoryLow", "MemoryHigh", "MemoryMax", "MemorySwapMax", "TasksMax",
                "StartupCPUWeight", "IOWeight", "StartupIOWeight", "MemoryZSwapMax", "AllowedCPUs", "AllowedMemoryNodes",
                "IODeviceWeight", "IOReadBandwidthMax", "IOWriteBandwidthMax", "IOReadIOPSMax", "IOWriteIOPSMax");
    }

    /** UINT64_MAX is a word, as systemctl show prints it; every other value is the quantity itself. */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
        # directive       | value    | symbolic
        MemoryMax         | infinity | infinity
        MemorySwapMax     | ''       | infinity
        TasksMax          | infinity | infinity
        CPUQuota          | ''       | infinity
        CPUQuotaPeriodSec | ''       | infinity
        # CGROUP_WEIGHT_INVALID: systemctl show says [not set]
        CPUWeight         | ''       | unset
        # quantities: no word, 0 included (CPUWeight=idle, MemoryMin=0)
        CPUWeight         | idle     | -
        MemoryMin         | 0        | -
        MemoryMax         | 7E       | -
        MemoryMax         | 100%     | -
        TasksMax          | 40%      | -
        """)
    void uint64MaxHasSystemdsWord(String directive, String value, String symbolic) {
        DbusProperty p = ResourceDirectives.parse(directive, value).dbusProperty();
        assertThat(p.symbolic().orElse("-")).isEqualTo(symbolic);
    }
}
