package io.servd.cgroup.unit;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupWrite;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Directive value → set-property drop-in line and cgroup writes, with systemd's arithmetic. Host: 8 GiB,
 * 4 KiB pages, kernel.pid_max 32768 (so 15% of tasks is systemd's well-known 4915).
 */
class ResourceDirectivesTest {

    static final HostResources HOST = new HostResources(ByteSize.ofMebibytes(8192), 4096,
            HostResources.systemTasksMax(32768, 126_000, OptionalLong.empty()));

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', emptyValue = "", textBlock = """
            # directive   | value     | drop-in line               | drop-in file name | cgroup writes
            MemoryMax     | 1.5G      | MemoryMax=1610612736       | MemoryMax         | memory.max=1610612736
            MemoryMax     | 512M      | MemoryMax=536870912        | MemoryMax         | memory.max=536870912
            # parts are summed, in descending units
            MemoryMax     | 1G 512M   | MemoryMax=1610612736       | MemoryMax         | memory.max=1610612736
            MemoryMax     | 10.M      | MemoryMax=10485760         | MemoryMax         | memory.max=10485760
            MemoryMax     | 1024B     | MemoryMax=1024             | MemoryMax         | memory.max=1024
            MemoryMax     | 100       | MemoryMax=100              | MemoryMax         | memory.max=100
            MemoryMax     | infinity  | MemoryMax=infinity         | MemoryMax         | memory.max=max
            MemoryMax     | ''        | MemoryMax=infinity         | MemoryMax         | memory.max=max
            # percentages go over D-Bus as MemoryMaxScale, hence the file name; 50% of 8 GiB
            MemoryMax     | 50%       | MemoryMax=50.00%           | MemoryMaxScale    | memory.max=4294967296
            MemoryHigh    | 25%       | MemoryHigh=25.00%          | MemoryHighScale   | memory.high=2147483648
            MemoryMax     | 100%      | MemoryMax=100.00%          | MemoryMaxScale    | memory.max=8589934592
            MemoryMax     | 500‰      | MemoryMax=50.00%           | MemoryMaxScale    | memory.max=4294967296
            # empty resets MemoryLow/MemoryMin to 0, the others to infinity
            MemoryLow     | ''        | MemoryLow=0                | MemoryLow         | memory.low=0
            MemoryMin     | 0         | MemoryMin=0                | MemoryMin         | memory.min=0
            MemorySwapMax | ''        | MemorySwapMax=infinity     | MemorySwapMax     | memory.swap.max=max
            MemorySwapMax | 0         | MemorySwapMax=0            | MemorySwapMax     | memory.swap.max=0
            CPUQuota      | 20%       | CPUQuota=20%               | CPUQuota          | cpu.max=20000 100000
            CPUQuota      | 150%      | CPUQuota=150%              | CPUQuota          | cpu.max=150000 100000
            # systemd persists whole percent only (truncating), but applies the exact value
            CPUQuota      | 12.5%     | CPUQuota=12%               | CPUQuota          | cpu.max=12500 100000
            # tiny quotas stretch the period until the quota is 1 ms, at most to 1 s
            CPUQuota      | 0.5%      | CPUQuota=0%                | CPUQuota          | cpu.max=1000 200000
            CPUQuota      | 0.05%     | CPUQuota=0%                | CPUQuota          | cpu.max=1000 1000000
            CPUQuota      | 1‰        | CPUQuota=0%                | CPUQuota          | cpu.max=1000 1000000
            CPUQuota      | ''        | CPUQuota=                  | CPUQuota          | cpu.max=max 100000
            CPUQuotaPeriodSec | 10ms  | CPUQuotaPeriodSec=10ms     | CPUQuotaPeriodSec | cpu.max=max 100000
            CPUQuotaPeriodSec | 1.5s  | CPUQuotaPeriodSec=1.500000s | CPUQuotaPeriodSec | cpu.max=max 100000
            CPUQuotaPeriodSec | 1s 500ms | CPUQuotaPeriodSec=1.500000s | CPUQuotaPeriodSec | cpu.max=max 100000
            CPUQuotaPeriodSec | 2500us | CPUQuotaPeriodSec=2.500ms  | CPUQuotaPeriodSec | cpu.max=max 100000
            # a bare number is seconds
            CPUQuotaPeriodSec | 90    | CPUQuotaPeriodSec=1min 30s | CPUQuotaPeriodSec | cpu.max=max 100000
            CPUQuotaPeriodSec | infinity | CPUQuotaPeriodSec=      | CPUQuotaPeriodSec | cpu.max=max 100000
            CPUWeight     | 250       | CPUWeight=250              | CPUWeight         | cpu.idle=0;cpu.weight=250
            CPUWeight     | idle      | CPUWeight=idle             | CPUWeight         | cpu.idle=1
            CPUWeight     | ''        | CPUWeight=                 | CPUWeight         | cpu.idle=0;cpu.weight=100
            TasksMax      | 512       | TasksMax=512               | TasksMax          | pids.max=512
            TasksMax      | infinity  | TasksMax=infinity          | TasksMax          | pids.max=max
            TasksMax      | ''        | TasksMax=infinity          | TasksMax          | pids.max=max
            # systemd's default for services: 15% of pid_max-1 = 4915
            TasksMax      | 15%       | TasksMax=15.00%            | TasksMaxScale     | pids.max=4915
            TasksMax      | 50%       | TasksMax=50.00%            | TasksMaxScale     | pids.max=16383
            """)
    void parsesPlansDropInAndCgroupWrites(String directive, String value, String dropInLine, String dropInName,
                                          String writes) {
        ResourceDirective parsed = ResourceDirectives.parse(directive, value);

        assertThat(parsed.dropInLine()).isEqualTo(dropInLine);
        assertThat(parsed.dropInName()).isEqualTo(dropInName);
        assertThat(CgroupSettings.of(List.of(parsed)).plannedWrites(HOST))
                .extracting(CgroupWrite::toString).containsExactly(writes.split(";"));
    }

    /** The one vocabulary: every name parses to its own kind; all but CPUQuotaPeriodSec are settable live. */
    @org.junit.jupiter.api.Test
    void oneListOfNamesInSystemdsOrder() {
        // cgroup_context_apply(): cpu, cpuset, io, memory, pids
        assertThat(ResourceDirectives.names()).containsExactly("CPUWeight", "StartupCPUWeight", "CPUQuota",
                "CPUQuotaPeriodSec", "AllowedCPUs", "AllowedMemoryNodes", "IOWeight", "StartupIOWeight", "IODeviceWeight",
                "IOReadBandwidthMax", "IOWriteBandwidthMax", "IOReadIOPSMax", "IOWriteIOPSMax",
                "MemoryMin", "MemoryLow", "MemoryHigh", "MemoryMax", "MemorySwapMax", "MemoryZSwapMax", "TasksMax");
        assertThat(ResourceDirectives.settableNames()).doesNotContain("CPUQuotaPeriodSec")
                .hasSize(ResourceDirectives.names().size() - 1);
        for (DirectiveKind kind : DirectiveKind.values()) {
            assertThat(kind.parse("").kind()).isEqualTo(kind);
            assertThat(DirectiveKind.of(kind.directive())).contains(kind);
        }
    }

    @ParameterizedTest(name = "CPUQuota={0} CPUQuotaPeriodSec={1}")
    @CsvSource(delimiter = '|', textBlock = """
            # quota | period | cpu.max
            20%     | 10ms   | 2000 10000
            # clamped to 1 s
            20%     | 5s     | 200000 1000000
            # raised until the quota is 1 ms
            20%     | 500us  | 1000 5000
            200%    | 1s     | 2000000 1000000
            # no quota: always the default period
            ''      | 10ms   | max 100000
            """)
    void quotaAndPeriodCombine(String quota, String period, String cpuMax) {
        var settings = CgroupSettings.of(List.of(CpuQuota.parse(quota), CpuQuotaPeriodSec.parse(period)));

        assertThat(settings.plannedWrites(HOST)).containsExactly(new CgroupWrite(io.servd.cgroup.fs.CgroupFile.CPU_MAX, cpuMax));
    }

    @ParameterizedTest(name = "{0}=[{1}]")
    @CsvSource(delimiter = '|', emptyValue = "", textBlock = """
            # directive   | value       | reason in message
            MemoryMax     | 0           | out of range
            MemoryHigh    | 0           | out of range
            MemoryMax     | -1          | not a size
            MemoryMax     | 1.5X        | not a size
            MemoryMax     | 1M 1G       | not a size
            MemoryMax     | 99999999999E | size out of range
            MemoryMax     | 101%        | percentage above 100%
            MemoryMax     | 0%          | out of range
            MemoryHigh    | 0.00%       | out of range
            MemoryMax     | 1.234%      | at most 2 decimal places
            MemoryMax     | %           | not a number
            MemoryMax     | max         | not a size
            CPUQuota      | 0%          | CPU quota too small
            CPUQuota      | 20          | not a percentage
            CPUQuota      | -5%         | not a number
            CPUQuota      | infinity    | not a percentage
            CPUQuotaPeriodSec | 10 parsecs | unknown time unit [parsecs]
            CPUQuotaPeriodSec | -1s     | expected a number
            CPUWeight     | 0           | out of range 1..10000
            CPUWeight     | 10001       | out of range 1..10000
            CPUWeight     | heavy       | not a number or "idle"
            TasksMax      | 0           | out of range
            TasksMax      | 0%          | out of range
            TasksMax      | 101%        | percentage above 100%
            # set-property's TasksMaxScale must stay below UINT32_MAX (systemd 252 in the VM)
            TasksMax      | 100%        | out of range
            TasksMax      | lots        | not a number, percentage or "infinity"
            MemoryLimit   | 1G          | unsupported directive
            """)
    void rejectsInvalidValuesNamingThem(String directive, String value, String reason) {
        assertThatThrownBy(() -> ResourceDirectives.parse(directive, value))
                .isInstanceOf(InvalidDirectiveException.class)
                .hasMessageContaining(directive + "= value [" + value + "]")
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(((InvalidDirectiveException) e).value()).isEqualTo(value));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # pid_max | threads-max | root pids.max | system tasks max
            32768     | 126000      |               | 32767
            4194304   | 126000      |               | 126000
            4194304   | 9999999     |               | 4194303
            4194304   | 126000      | 2000          | 2000
            """)
    void systemTasksMaxIsTheSmallestSource(long pidMax, long threadsMax, Long rootPidsMax, long expected) {
        assertThat(HostResources.systemTasksMax(pidMax, threadsMax,
                rootPidsMax == null ? OptionalLong.empty() : OptionalLong.of(rootPidsMax))).isEqualTo(expected);
    }
}
