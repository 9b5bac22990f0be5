package io.servd.cgroup.unit;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupWrite;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The directives of issue 16 item 3, each through every form the one vocabulary gives it: drop-in line,
 * D-Bus property, cgroup writes. Expected values follow systemd 252's source (the comment per row); the
 * VM oracle (SetPropertyOracleIT) confirms them against systemd itself.
 */
class NewDirectivesTest {

    static final HostResources HOST = new HostResources(ByteSize.ofMebibytes(8192), 4096, 4_194_303L)
            .withBlockDevices(BlockDevices.of(Map.of("/dev/vda", new DeviceNumber(254, 0), "/dev/vda1", new DeviceNumber(254, 0),
                    "/dev/vdb", new DeviceNumber(254, 16))));

    private static String writes(ResourceDirective d) {
        return String.join(";", CgroupSettings.of(List.of(d)).plannedWrites(HOST).stream()
                .map(w -> w.file().fileName() + "=" + w.content()).toList());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # directive        | value          | drop-in line                 | D-Bus                             | cgroup writes
            # cg_weight_parse, BUS_DEFINE_SET_CGROUP_WEIGHT, set_io_weight: "default N"
            IOWeight           | 500            | IOWeight=500                 | IOWeight t 500                    | io.weight=default 500
            IOWeight           | 1              | IOWeight=1                   | IOWeight t 1                      | io.weight=default 1
            IOWeight           | 10000          | IOWeight=10000               | IOWeight t 10000                  | io.weight=default 10000
            # empty: CGROUP_WEIGHT_INVALID; the kernel default written
            IOWeight           | ''             | IOWeight=                    | IOWeight t 18446744073709551615   | io.weight=default 100
            # Startup*: only while the manager starts up; nothing after boot
            StartupIOWeight    | 300            | StartupIOWeight=300          | StartupIOWeight t 300             | -
            StartupIOWeight    | ''             | StartupIOWeight=             | StartupIOWeight t 18446744073709551615 | -
            StartupCPUWeight   | 50             | StartupCPUWeight=50          | StartupCPUWeight t 50             | -
            StartupCPUWeight   | idle           | StartupCPUWeight=idle        | StartupCPUWeight t 0              | -
            StartupCPUWeight   | ''             | StartupCPUWeight=            | StartupCPUWeight t 18446744073709551615 | -
            # cpu_set_to_range_string (spaces), cpu_set_to_dbus (whole 64-bit words), cgroup_apply_unified_cpuset
            AllowedCPUs        | 0-1            | AllowedCPUs=\\nAllowedCPUs=0-1 | AllowedCPUs ay 8 3 0 0 0 0 0 0 0  | cpuset.cpus=0-1
            AllowedCPUs        | 0,2-3 5        | AllowedCPUs=\\nAllowedCPUs=0 2-3 5 | AllowedCPUs ay 8 45 0 0 0 0 0 0 0 | cpuset.cpus=0 2-3 5
            AllowedCPUs        | 1 0            | AllowedCPUs=\\nAllowedCPUs=0-1 | AllowedCPUs ay 8 3 0 0 0 0 0 0 0  | cpuset.cpus=0-1
            AllowedCPUs        | 64             | AllowedCPUs=\\nAllowedCPUs=64 | AllowedCPUs ay 16 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 | cpuset.cpus=64
            # empty: no restriction; a reversed range adds nothing (parse_cpu_set_full)
            AllowedCPUs        | ''             | AllowedCPUs=\\nAllowedCPUs= | AllowedCPUs ay 0                  | -
            AllowedCPUs        | 3-1            | AllowedCPUs=\\nAllowedCPUs= | AllowedCPUs ay 0                  | -
            AllowedMemoryNodes | 0              | AllowedMemoryNodes=\\nAllowedMemoryNodes=0 | AllowedMemoryNodes ay 8 1 0 0 0 0 0 0 0 | cpuset.mems=0
            # as MemorySwapMax (systemd 253): empty is infinity
            MemoryZSwapMax     | 1G             | MemoryZSwapMax=1073741824    | MemoryZSwapMax t 1073741824       | memory.zswap.max=1073741824
            MemoryZSwapMax     | ''             | MemoryZSwapMax=infinity      | MemoryZSwapMax t 18446744073709551615 | memory.zswap.max=max
            MemoryZSwapMax     | 0              | MemoryZSwapMax=0             | MemoryZSwapMax t 0                | memory.zswap.max=0
            # I/O device lists: parse_size base 1000; drop-in "Name=" then non-default entries; io.max all four limits
            IOReadBandwidthMax | /dev/vda 1M    | IOReadBandwidthMax=\\nIOReadBandwidthMax=/dev/vda 1000000\\n | IOReadBandwidthMax a(st) 1 /dev/vda 1000000 | io.max=254:0 rbps=1000000 wbps=max riops=max wiops=max
            IOWriteBandwidthMax| /dev/vda 1.5K  | IOWriteBandwidthMax=\\nIOWriteBandwidthMax=/dev/vda 1500\\n | IOWriteBandwidthMax a(st) 1 /dev/vda 1500 | io.max=254:0 rbps=max wbps=1500 riops=max wiops=max
            IOReadIOPSMax      | /dev/vda1 1K   | IOReadIOPSMax=\\nIOReadIOPSMax=/dev/vda1 1000\\n | IOReadIOPSMax a(st) 1 /dev/vda1 1000 | io.max=254:0 rbps=max wbps=max riops=1000 wiops=max
            IOWriteIOPSMax     | /dev/vda 250   | IOWriteIOPSMax=\\nIOWriteIOPSMax=/dev/vda 250\\n | IOWriteIOPSMax a(st) 1 /dev/vda 250 | io.max=254:0 rbps=max wbps=max riops=max wiops=250
            # infinity is the default: no line in the drop-in, "max" in io.max
            IOReadBandwidthMax | /dev/vda infinity | IOReadBandwidthMax=\\n | IOReadBandwidthMax a(st) 1 /dev/vda 18446744073709551615 | io.max=254:0 rbps=max wbps=max riops=max wiops=max
            IOReadBandwidthMax | ''             | IOReadBandwidthMax=\\n | IOReadBandwidthMax a(st) 0        | -
            # a path that resolves to nothing: systemd writes nothing for it
            IOReadBandwidthMax | /dev/nope 1M   | IOReadBandwidthMax=\\nIOReadBandwidthMax=/dev/nope 1000000\\n | IOReadBandwidthMax a(st) 1 /dev/nope 1000000 | -
            IODeviceWeight     | /dev/vdb 500   | IODeviceWeight=\\nIODeviceWeight=/dev/vdb 500\\n | IODeviceWeight a(st) 1 /dev/vdb 500 | io.weight=254:16 500
            IODeviceWeight     | /dev/vda  7    | IODeviceWeight=\\nIODeviceWeight=/dev/vda 7\\n | IODeviceWeight a(st) 1 /dev/vda 7 | io.weight=254:0 7
            IODeviceWeight     | ''             | IODeviceWeight=\\n | IODeviceWeight a(st) 0            | -
            """)
    void everyFormFromTheOneVocabulary(String directive, String value, String dropIn, String dbus, String cgroup) {
        ResourceDirective d = ResourceDirectives.parse(directive, value);
        assertThat(d.dropInLine()).isEqualTo(dropIn.replace("\\n", "\n"));
        assertThat(d.dbusProperty()).hasToString(dbus);
        assertThat(writes(d)).isEqualTo(cgroup == null ? "" : cgroup);
        assertThat(d.dropInName()).isEqualTo(directive);
    }

    @ParameterizedTest(name = "{0}=[{1}]")
    @CsvSource(delimiter = '|', textBlock = """
            # directive        | value             | reason
            IOWeight           | 0                 | out of range 1..10000
            IOWeight           | 10001             | out of range 1..10000
            IOWeight           | idle              | not a number
            StartupIOWeight    | -1                | not a number
            StartupCPUWeight   | 0                 | out of range 1..10000
            AllowedCPUs        | 8192              | number out of range 0..8191
            AllowedCPUs        | 1-                | not a list of numbers
            AllowedCPUs        | -1                | not a list of numbers
            AllowedCPUs        | 0-99999           | number out of range 0..8191
            AllowedMemoryNodes | a                 | not a list of numbers
            IOReadBandwidthMax | /dev/vda          | expected a device path, a space and a value
            IOReadBandwidthMax | /dev/vda 1X       | not a size
            IOReadBandwidthMax | /dev/vda -1       | not a size
            IOReadBandwidthMax | /dev//vda 1M      | not normalized
            IOWriteIOPSMax     | /dev/../vda 1     | not normalized
            IODeviceWeight     | /dev/vda 0        | weight out of range 1..10000
            IODeviceWeight     | /dev/vda 10001    | weight out of range 1..10000
            IODeviceWeight     | /dev/vda 00       | weight out of range 1..10000
            IODeviceWeight     | /dev/vda infinity | weight is not a number
            MemoryZSwapMax     | 1X                | not a size
            """)
    void rejectsAsSystemdDoes(String directive, String value, String reason) {
        assertThatThrownBy(() -> ResourceDirectives.parse(directive, value))
                .isInstanceOf(InvalidDirectiveException.class)
                .hasMessageContaining("invalid " + directive + "= value [" + value + "]")
                .hasMessageContaining(reason);
    }

    @Test
    void deviceAssignmentsAccumulateNewestLastAndTheSameDeviceIsReplacedInPlace() {
        List<ResourceDirective> calls = List.of(
                ResourceDirectives.parse("IOReadBandwidthMax", "/dev/vda 1M"),
                ResourceDirectives.parse("IOReadBandwidthMax", "/dev/vdb 2M"),
                ResourceDirectives.parse("IOReadBandwidthMax", "/dev/vda 3M"),
                ResourceDirectives.parse("IOWriteIOPSMax", "/dev/vda 50"));
        List<DropIn> dropIns = SetProperty.plan(UnitName.of("demo.service"), calls, DropInScope.PERSISTENT);
        assertThat(dropIns).extracting(DropIn::content).first().asString().endsWith(
                "[Service]\nIOReadBandwidthMax=\nIOReadBandwidthMax=/dev/vda 3000000\nIOReadBandwidthMax=/dev/vdb 2000000\n\n");
        assertThat(CgroupSettings.of(calls).plannedWrites(HOST)).containsExactly(
                new CgroupWrite(io.servd.cgroup.fs.CgroupFile.IO_MAX, "254:0 rbps=3000000 wbps=max riops=max wiops=50"),
                new CgroupWrite(io.servd.cgroup.fs.CgroupFile.IO_MAX, "254:16 rbps=2000000 wbps=max riops=max wiops=max"));
    }

    @Test
    void anEmptyAssignmentResetsTheListAndLaterOnesStartAgain() {
        List<ResourceDirective> calls = List.of(
                ResourceDirectives.parse("IODeviceWeight", "/dev/vda 100"),
                ResourceDirectives.parse("IODeviceWeight", ""),
                ResourceDirectives.parse("IODeviceWeight", "/dev/vdb 200"));
        assertThat(SetProperty.plan(UnitName.of("demo.service"), calls, DropInScope.RUNTIME).get(0).content())
                .endsWith("[Service]\nIODeviceWeight=\nIODeviceWeight=/dev/vdb 200\n\n");
        assertThat(SetProperty.plan(UnitName.of("demo.service"), calls.subList(0, 2), DropInScope.RUNTIME).get(0).content())
                .endsWith("[Service]\nIODeviceWeight=\n\n");
    }

    @Test
    void aDeviceListReadFromSystemdIsWhatLaterAssignmentsAccumulateOnto() {
        IoDeviceDirective current = IoDeviceDirective.fromDbus(DirectiveKind.IO_WRITE_BANDWIDTH_MAX,
                List.of(new DbusProperty.Device("/dev/vdb", 5_000_000)));
        ResourceDirective next = ResourceDirectives.parse("IOWriteBandwidthMax", "/dev/vda 1M").after(current);
        assertThat(next.dropInLine()).isEqualTo(
                "IOWriteBandwidthMax=\nIOWriteBandwidthMax=/dev/vdb 5000000\nIOWriteBandwidthMax=/dev/vda 1000000\n");
        assertThat(next.dbusProperty().devices()).extracting(DbusProperty.Device::path).containsExactly("/dev/vdb", "/dev/vda");
    }

    @Test
    void otherDirectivesAreReplacedNotAccumulated() {
        ResourceDirective first = ResourceDirectives.parse("IOWeight", "200");
        ResourceDirective second = ResourceDirectives.parse("IOWeight", "300");
        assertThat(second.after(first)).isEqualTo(second);
        assertThatThrownBy(() -> second.after(ResourceDirectives.parse("CPUWeight", "5")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[IOWeight] after [CPUWeight]");
    }

    @Test
    void cpuSetBitmaskReadFromSystemdIsTheSet() {
        CpuSetDirective parsed = CpuSetDirective.parse(DirectiveKind.ALLOWED_CPUS, "0 2-3 64");
        assertThat(CpuSetDirective.fromDbus(DirectiveKind.ALLOWED_CPUS, parsed.dbusProperty().bytes())).isEqualTo(parsed);
    }

    @Test
    void zswapNeedsSystemd253AndAccumulationIsForTheDeviceListsOnly() {
        assertThat(DirectiveKind.MEMORY_ZSWAP_MAX.minimumSystemd()).isEqualTo(253);
        assertThat(DirectiveKind.MEMORY_SWAP_MAX.minimumSystemd()).isZero();
        assertThat(java.util.Arrays.stream(DirectiveKind.values()).filter(DirectiveKind::accumulates).map(DirectiveKind::directive))
                .containsExactly("IODeviceWeight", "IOReadBandwidthMax", "IOWriteBandwidthMax", "IOReadIOPSMax", "IOWriteIOPSMax");
    }
}
