package io.servd.it.cgroup;

import io.servd.cgroup.CgroupWrite;
import io.servd.cgroup.unit.BlockDevices;
import io.servd.cgroup.unit.CgroupSettings;
import io.servd.cgroup.unit.DeviceNumber;
import io.servd.cgroup.unit.DirectiveKind;
import io.servd.cgroup.unit.DropIn;
import io.servd.cgroup.unit.DropInScope;
import io.servd.cgroup.unit.HostResources;
import io.servd.cgroup.unit.InvalidDirectiveException;
import io.servd.cgroup.unit.ResourceDirective;
import io.servd.cgroup.unit.ResourceDirectives;
import io.servd.cgroup.unit.SetProperty;
import io.servd.cgroup.unit.UnitName;
import io.servd.it.GuestResult;
import io.servd.it.Vm;
import io.servd.it.VmExtension;
import io.servd.it.cgroup.SetPropertyScript.Case;
import io.servd.it.cgroup.SetPropertyScript.Observed;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * systemd is the oracle (issue 3 item 8): for a table of directive values, {@code systemctl set-property}
 * on a transient unit in the guest, then the guest's cgroupfs values and drop-in files, against what the
 * library computes in this JVM from the guest's {@link HostResources}. A unit with a unit file covers the
 * persistent and {@code --runtime} drop-in directories. The whole table runs as one guest script (an
 * exec costs ~0.5 s under TCG); the tests only compare.
 *
 * <p>Issue 16 item 3 adds the I/O, cpuset, startup-weight and zswap directives. Device paths are resolved
 * in the guest ({@code devnum} in the script: a node's number, a file's disk) and handed to the library as
 * {@link BlockDevices}; {@code io.weight} exists only with the iocost policy, and where the guest kernel lacks it
 * those rows compare drop-ins and acceptance only (the setup's line says which). {@code MemoryZSwapMax=} is
 * systemd 253+: on 252 the rows assert that systemctl refuses it.
 *
 * <p>Known deviation, asserted as such: for {@code TasksMax=N%} systemd 252 writes a percentage ten
 * times too small into {@code 50-TasksMaxScale.conf} (systemd issue #41009, fixed by PR #41011); the
 * library writes the corrected line, and the cgroup value (which systemd computes from the D-Bus value,
 * not from the file) matches.
 */
@ExtendWith(VmExtension.class)
class SetPropertyOracleIT {

    private static Case set(String why, String... assignments) {
        return new Case(why, false, List.of(List.of(assignments)));
    }

    private static Case runtime(String why, String... assignments) {
        return new Case(why, true, List.of(List.of(assignments)));
    }

    /** Several {@code set-property} calls in a row; assignments within one call separated by commas. */
    private static Case steps(String why, String... calls) {
        return new Case(why, false, Arrays.stream(calls).map(c -> List.of(c.split(","))).toList());
    }

    /** Row i (from 1) runs on transient unit {@code oracle-i.service}. */
    static final List<Case> CASES = List.of(
            // --- memory: suffixes (base 1024), decimals, sums, raw bytes
            set("M suffix", "MemoryMax=512M"),
            set("decimal with a suffix", "MemoryMax=1.5G"),
            set("decimal with M, kernel rounds to a page", "MemoryMax=10.5M"),
            set("parts summed, largest unit first", "MemoryMax=1G 512M"),
            set("K suffix", "MemoryMax=8192K"),
            set("plain bytes, not a page multiple", "MemoryMax=12345678"),
            set("B suffix", "MemoryMax=33554432B"),
            set("above the guest's RAM", "MemoryMax=3.5G"),
            set("T suffix", "MemoryHigh=1T"),
            set("P suffix, far beyond RAM, still a number for the kernel", "MemoryMax=1P"),
            set("infinity", "MemoryMax=infinity"),
            // --- memory: percentages of physical RAM (systemd's 32-bit scale, whole pages)
            set("half the RAM", "MemoryMax=50%"),
            set("two decimals", "MemoryMax=12.34%"),
            set("all of it", "MemoryMax=100%"),
            set("tiny share", "MemoryMax=0.5%"),
            set("permille", "MemoryMax=500‰"),
            set("percentage on MemoryHigh", "MemoryHigh=25%"),
            set("MemoryLow in K", "MemoryLow=64K"),
            set("MemoryMin decimal M", "MemoryMin=1.5M"),
            set("MemoryLow percentage", "MemoryLow=3.33%"),
            set("no swap at all", "MemorySwapMax=0"),
            set("swap limit", "MemorySwapMax=2G"),
            // --- CPUQuota: cpu.max = max(pct x period / 100, 1 ms) period
            set("a fifth of a CPU", "CPUQuota=20%"),
            set("above 100%: two and a half CPUs", "CPUQuota=250%"),
            set("a hundred CPUs", "CPUQuota=10000%"),
            set("decimal percent", "CPUQuota=12.5%"),
            set("tiny: 1 ms floor, period raised to 200 ms", "CPUQuota=0.5%"),
            set("tinier: period raised to the 1 s ceiling", "CPUQuota=0.05%"),
            set("permille", "CPUQuota=1‰"),
            // --- CPUQuotaPeriodSec: odd periods, clamped to [1 ms, 1 s]
            set("odd period", "CPUQuota=20%", "CPUQuotaPeriodSec=7ms"),
            set("period above 1 s clamped", "CPUQuota=20%", "CPUQuotaPeriodSec=2s"),
            set("period below 1 ms clamped, then raised for the 1 ms quota floor", "CPUQuota=20%",
                    "CPUQuotaPeriodSec=500us"),
            set("compound time span, clamped", "CPUQuota=250%", "CPUQuotaPeriodSec=1s500ms"),
            set("decimal seconds", "CPUQuota=33%", "CPUQuotaPeriodSec=0.25s"),
            set("small quota and short period: period raised to 33333 us", "CPUQuota=3%",
                    "CPUQuotaPeriodSec=10ms"),
            set("period alone: no quota, default period in cpu.max", "CPUQuotaPeriodSec=7ms"),
            steps("quota, then period in a second call", "CPUQuota=40%", "CPUQuotaPeriodSec=7ms"),
            steps("quota, then reset by an empty assignment", "CPUQuota=250%", "CPUQuota="),
            // --- CPUWeight
            set("lowest", "CPUWeight=1"),
            set("some weight", "CPUWeight=250"),
            set("highest", "CPUWeight=10000"),
            set("SCHED_IDLE", "CPUWeight=idle"),
            steps("idle, then a weight again", "CPUWeight=idle", "CPUWeight=500"),
            // --- TasksMax: counts, percentages of the system task limit, infinity
            set("a count", "TasksMax=512"),
            set("one task", "TasksMax=1"),
            set("infinity", "TasksMax=infinity"),
            set("systemd's default share", "TasksMax=15%"),
            set("half", "TasksMax=50%"),
            // PID 1 answers "Value specified in TasksMaxScale is out of range": over D-Bus 100% is the
            // scale 2^32-1, which systemd 252 refuses for TasksMax (not for MemoryMax, see above)
            set("all: rejected by systemd 252", "TasksMax=100%"),
            set("decimal percent", "TasksMax=0.5%"),
            // --- several at once, and --runtime (a transient unit's drop-ins stay in /run/systemd/transient)
            set("one call, every controller", "MemoryMax=1.5G", "CPUQuota=250%", "TasksMax=10%", "CPUWeight=idle",
                    "MemoryHigh=1G"),
            runtime("--runtime on a transient unit", "MemoryMax=256M", "CPUQuota=12.5%"),
            runtime("--runtime with percentages", "MemoryHigh=50%", "TasksMax=2000", "CPUWeight=50"),
            // --- rejected by systemctl: the library must throw InvalidDirectiveException
            set("zero bytes", "MemoryMax=0"),
            set("above 100% of RAM", "MemoryMax=101%"),
            set("three decimals", "MemoryMax=12.345%"),
            set("negative", "MemoryMax=-1"),
            set("unknown suffix", "MemoryMax=1X"),
            set("overflows 64 bits", "MemoryMax=16E"),
            set("zero quota", "CPUQuota=0%"),
            set("three decimals", "CPUQuota=1.234%"),
            set("not a percentage", "CPUQuota=20"),
            set("weight zero", "CPUWeight=0"),
            set("weight too high", "CPUWeight=10001"),
            set("no tasks", "TasksMax=0"),
            set("above 100% of tasks", "TasksMax=101%"),
            // --- issue 16 item 3. IOWeight: io.weight "default N" (compared where the guest kernel has io.weight)
            set("I/O weight", "IOWeight=500"),
            set("lowest I/O weight", "IOWeight=1"),
            set("highest I/O weight", "IOWeight=10000"),
            steps("I/O weight, then reset by an empty assignment", "IOWeight=300", "IOWeight="),
            set("I/O weight zero", "IOWeight=0"),
            set("I/O weight too high", "IOWeight=10001"),
            set("idle is the CPU weight's alone", "IOWeight=idle"),
            // --- Startup*: applied only while the manager starts up; after boot the files keep their values
            set("startup I/O weight: no write after boot", "StartupIOWeight=800"),
            set("startup CPU weight: no write after boot", "StartupCPUWeight=50"),
            set("startup CPU weight idle", "StartupCPUWeight=idle"),
            set("startup CPU weight zero", "StartupCPUWeight=0"),
            set("CPU weight next to a startup weight: the CPU weight applies", "CPUWeight=200", "StartupCPUWeight=20"),
            // --- IODeviceWeight: io.weight "MAJ:MIN N"; paths resolved in the guest (a node, or a file's disk)
            set("device weight", "IODeviceWeight=/dev/vda 500"),
            set("device weight of a file's disk", "IODeviceWeight=/var/lib 250"),
            set("device weight zero: PID 1 refuses it", "IODeviceWeight=/dev/vda 0"),
            set("device weight without a value", "IODeviceWeight=/dev/vda"),
            steps("device weight, then reset", "IODeviceWeight=/dev/vda 500", "IODeviceWeight="),
            // --- bandwidth and IOPS: parse_size base 1000; io.max "MAJ:MIN rbps= wbps= riops= wiops="
            set("read bandwidth, M is 10^6", "IOReadBandwidthMax=/dev/vda 1M"),
            set("write bandwidth, K with a decimal", "IOWriteBandwidthMax=/dev/vda 1.5K"),
            set("G suffix", "IOWriteBandwidthMax=/dev/vda 2G"),
            set("read IOPS, K is 1000", "IOReadIOPSMax=/dev/vda 1K"),
            set("write IOPS", "IOWriteIOPSMax=/dev/vda 250"),
            set("infinity: no drop-in line, max in io.max", "IOReadBandwidthMax=/dev/vda infinity"),
            set("all four in one call: one io.max line", "IOReadBandwidthMax=/dev/vda 10M", "IOWriteBandwidthMax=/dev/vda 20M",
                    "IOReadIOPSMax=/dev/vda 300", "IOWriteIOPSMax=/dev/vda 400"),
            set("the same device twice in one call: the last value wins", "IOReadBandwidthMax=/dev/vda 1M",
                    "IOReadBandwidthMax=/dev/vda 3M"),
            set("a file's path: its file system's disk", "IOReadBandwidthMax=/var/lib 5M"),
            steps("two calls accumulate, newest device first; both paths are one disk", "IOReadBandwidthMax=/dev/vda 1M",
                    "IOReadBandwidthMax=/var/lib 2M"),
            steps("a limit, then reset", "IOWriteIOPSMax=/dev/vda 100", "IOWriteIOPSMax="),
            set("no value", "IOReadBandwidthMax=/dev/vda"),
            set("unknown suffix", "IOReadBandwidthMax=/dev/vda 1X"),
            set("path not normalized: PID 1 refuses it", "IOReadBandwidthMax=/dev//vda 1M"),
            // --- AllowedCPUs, AllowedMemoryNodes: cpuset.cpus/mems, drop-in in cpu_set_to_range_string()'s form
            set("one CPU", "AllowedCPUs=0"),
            set("a range", "AllowedCPUs=0-1"),
            set("a list, out of order, with a comma", "AllowedCPUs=1,0"),
            set("a reversed range adds nothing", "AllowedCPUs=1-0"),
            steps("CPUs, then reset", "AllowedCPUs=0", "AllowedCPUs="),
            set("beyond CPU_SET_MAX_NCPU", "AllowedCPUs=8192"),
            set("not a number", "AllowedCPUs=a"),
            set("memory node", "AllowedMemoryNodes=0"),
            // --- MemoryZSwapMax: systemd 253+ (systemctl 252 answers "Unknown assignment"); memory.zswap.max
            set("zswap limit", "MemoryZSwapMax=64M"),
            set("zswap infinity", "MemoryZSwapMax=infinity"));

    /** The unit-file case: persistent, then {@code --runtime} drop-ins. */
    private static final String FILE_UNIT = "oracle-file.service";
    private static final List<String> PERSISTENT = List.of("MemoryMax=1.5G", "CPUQuota=12.5%", "CPUWeight=idle",
            "MemoryHigh=50%", "TasksMax=512");
    private static final List<String> RUNTIME = List.of("MemoryLow=64K", "CPUQuotaPeriodSec=1s500ms", "MemoryMax=3G");

    private static HostResources host;
    private static int guestSystemd;
    /** The guest kernel's io.weight exists only with a weight-based I/O policy (iocost); then it is compared. */
    private static boolean guestHasIoWeight;
    private static Map<Integer, Observed> observed;
    private static Observed fileUnit;

    @BeforeAll
    static void runTheTableInTheGuest(Vm vm, @TempDir Path temp) throws IOException {
        host = GuestHost.read(vm, temp.resolve("guest-host"));
        Path dir = vm.share().resolve("cgroup-oracle");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("oracle.sh"), SetPropertyScript.generate(CASES, FILE_UNIT, PERSISTENT, RUNTIME),
                StandardCharsets.UTF_8);

        long started = System.nanoTime();
        GuestResult run = vm.exec(Duration.ofMinutes(20), "sh", Vm.GUEST_SHARE + "/cgroup-oracle/oracle.sh");
        System.out.printf("set-property table: %d rows + unit file in %d ms (one guest script)%n", CASES.size(),
                (System.nanoTime() - started) / 1_000_000);
        assertThat(run.exitCode()).as(run.describe()).isZero();
        Path out = Path.of(VmExtension.property("servd.it.logDir")).resolveSibling("cgroup-it");
        Files.createDirectories(out);
        Files.writeString(out.resolve("set-property-oracle.out"), run.stdout());
        observed = SetPropertyScript.parse(run.stdout());
        Map<String, DeviceNumber> devices = new LinkedHashMap<>();
        SetPropertyScript.devices(run.stdout()).forEach((path, number) -> devices.put(path, DeviceNumber.parse(number)));
        host = host.withBlockDevices(BlockDevices.of(devices));
        guestSystemd = SetPropertyScript.systemdVersion(run.stdout());
        guestHasIoWeight = observed.values().stream().anyMatch(o -> o.files().containsKey("io.weight"));
        System.out.printf("guest: systemd %d, block devices %s, io.weight %s%n", guestSystemd, devices,
                guestHasIoWeight ? "present (compared)" : "absent: no iocost; io.weight rows compare drop-ins and D-Bus only");
        fileUnit = observed.remove(0);
        assertThat(observed).as("rows reported by the guest\n" + run.stdout()).hasSize(CASES.size());
    }

    @AfterAll
    static void stopTheUnits(Vm vm) throws IOException {
        vm.sh("systemctl stop 'oracle-*.service' </dev/null; systemctl reset-failed 'oracle-*.service' </dev/null; "
                + "rm -rf /etc/systemd/system.control/" + FILE_UNIT + ".d /run/systemd/system.control/" + FILE_UNIT
                + ".d /run/systemd/system/" + FILE_UNIT + "; systemctl daemon-reload").orThrow();
    }

    @Test
    void acceptsAndRejectsWhatSystemctlAcceptsAndRejects() {
        SoftAssertions soft = new SoftAssertions();
        for (int i = 1; i <= CASES.size(); i++) {
            Case c = CASES.get(i - 1);
            Observed o = observed.get(i);
            for (int k = 0; k < c.calls().size(); k++) {
                List<String> call = c.calls().get(k);
                int needs = call.stream().mapToInt(SetPropertyOracleIT::minimumSystemd).max().orElse(0);
                if (needs > guestSystemd) {
                    // a directive this systemd does not know: systemctl refuses it; servd's agent answers 501
                    soft.assertThat(o.exitCodes().get(k)).as("row %d %s: systemd %d refuses %s [%s]", i, c.why(), guestSystemd,
                            call, o.errors().get(k)).isNotZero();
                    continue;
                }
                if (o.exitCodes().get(k) == 0) {
                    soft.assertThatCode(() -> parse(call)).as("row %d %s: systemctl accepted %s", i, c.why(), call)
                            .doesNotThrowAnyException();
                } else {
                    soft.assertThat(catchThrowable(() -> parse(call)))
                            .as("row %d %s: systemctl rejected %s with [%s]", i, c.why(), call, o.errors().get(k))
                            .isInstanceOf(InvalidDirectiveException.class);
                }
            }
        }
        soft.assertAll();
    }

    @Test
    void cgroupValuesEqualWhatSystemdWrote() {
        SoftAssertions soft = new SoftAssertions();
        int compared = 0;
        for (int i = 1; i <= CASES.size(); i++) {
            Case c = CASES.get(i - 1);
            Observed o = observed.get(i);
            if (o.exitCodes().stream().anyMatch(rc -> rc != 0)) {
                continue;
            }
            for (CgroupWrite w : lastPerKey(CgroupSettings.of(parse(c.assignments())).plannedWrites(host))) {
                String file = w.file().fileName();
                String theirs = o.files().get(file);
                String what = c.calls() + " -> " + w;
                if (file.equals("io.weight") && !guestHasIoWeight) {
                    continue; // said in the setup's line: no io.weight in this kernel
                }
                if (file.startsWith("cpuset.") && w.content().isEmpty() && theirs == null) {
                    compared++; // no restriction: systemd may drop the cpuset controller altogether
                    continue;
                }
                if (file.equals("io.weight") || file.equals("io.max")) {
                    List<String> lines = theirs == null ? List.of() : List.of(theirs.split(";"));
                    String key = w.content().substring(0, w.content().indexOf(' '));
                    List<String> ours = w.content().endsWith("rbps=max wbps=max riops=max wiops=max") ? List.of() : List.of(w.content());
                    soft.assertThat(lines.stream().filter(l -> l.startsWith(key + " ")).toList())
                            .as("row %d %s: %s in [%s]", i, c.why(), what, theirs).isEqualTo(ours);
                } else {
                    soft.assertThat(theirs).as("row %d %s: %s", i, c.why(), what).isEqualTo(kernelReadBack(w));
                }
                compared++;
            }
        }
        soft.assertAll();
        // rows without a planned write (Startup*, resets of a device list, io.weight where the kernel has none)
        // compare nothing here; every other accepted row compares at least one file
        assertThat(compared).as("cgroup values compared").isGreaterThanOrEqualTo(
                (int) observed.values().stream().filter(o -> o.exitCodes().stream().allMatch(rc -> rc == 0)).count() - 12);
        System.out.printf("cgroup values compared with systemd's: %d%n", compared);
    }

    @Test
    void dropInsAreByteForByteWhatSystemdWrote() {
        SoftAssertions soft = new SoftAssertions();
        for (int i = 1; i <= CASES.size(); i++) {
            Case c = CASES.get(i - 1);
            Observed o = observed.get(i);
            if (o.exitCodes().stream().anyMatch(rc -> rc != 0)) {
                continue;
            }
            String unit = "oracle-" + i + ".service";
            Map<String, String> ours = new LinkedHashMap<>();
            // all calls in one plan: a later call's file replaces an earlier one's, and the device lists accumulate
            // across calls as systemd's do; a transient unit's drop-ins go to /run/systemd/transient, --runtime or not
            for (DropIn d : SetProperty.plan(UnitName.of(unit), parse(c.assignments()), DropInScope.TRANSIENT)) {
                ours.put(d.path().toString(), d.content());
            }
            compareDropIns(soft, "row " + i + " " + c.why() + " " + c.calls(), ours, o.dropIns());
        }
        soft.assertAll();
    }

    @Test
    void persistentAndRuntimeDropInsOfAUnitFileMatchSystemd() {
        assertThat(fileUnit.exitCodes()).as("set-property exit codes %s", fileUnit.errors()).containsOnly(0);
        Map<String, String> ours = new LinkedHashMap<>();
        SetProperty.plan(UnitName.of(FILE_UNIT), parse(PERSISTENT), DropInScope.PERSISTENT).forEach(d -> ours.put(d.path().toString(), d.content()));
        SetProperty.plan(UnitName.of(FILE_UNIT), parse(RUNTIME), DropInScope.RUNTIME).forEach(d -> ours.put(d.path().toString(), d.content()));
        SoftAssertions soft = new SoftAssertions();
        compareDropIns(soft, FILE_UNIT, ours, fileUnit.dropIns());
        List<ResourceDirective> all = new ArrayList<>(parse(PERSISTENT));
        all.addAll(parse(RUNTIME));
        for (CgroupWrite w : CgroupSettings.of(all).plannedWrites(host)) {
            soft.assertThat(fileUnit.files().get(w.file().fileName())).as(FILE_UNIT + " " + w.file()).isEqualTo(kernelReadBack(w));
        }
        soft.assertAll();
    }

    /**
     * Same set of files, same bytes; for {@code 50-TasksMaxScale.conf} systemd's line is its known bug
     * (#41009: the percentage ten times too small) and ours is the corrected one.
     */
    private static void compareDropIns(SoftAssertions soft, String what, Map<String, String> ours, Map<String, String> systemds) {
        soft.assertThat(systemds.keySet()).as(what + ": drop-in files").containsExactlyInAnyOrderElementsOf(ours.keySet());
        for (Map.Entry<String, String> e : ours.entrySet()) {
            String theirs = systemds.get(e.getKey());
            if (theirs == null) {
                continue;
            }
            if (e.getKey().endsWith("/50-TasksMaxScale.conf")) {
                String ourLine = lastLine(e.getValue());
                soft.assertThat(theirs).as(what + ": " + e.getKey() + " (systemd bug #41009)")
                        .isEqualTo(e.getValue().replace(ourLine, buggyTasksMaxLine(ourLine)));
            } else {
                soft.assertThat(theirs).as(what + ": " + e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    private static String lastLine(String content) {
        String[] lines = content.split("\n");
        return lines[lines.length - 1];
    }

    /**
     * systemd 252's {@code TasksMax=} line for a scale: {@code DIV_ROUND_UP(scale * 100, UINT32_MAX)}
     * printed as tenths, e.g. {@code TasksMax=1.5%} for 15%. Derived from our corrected
     * {@code TasksMax=15.00%} through the same 32-bit scale systemctl sends.
     */
    private static String buggyTasksMaxLine(String corrected) {
        String pct = corrected.substring("TasksMax=".length(), corrected.length() - 1);
        long permyriad = Math.round(Double.parseDouble(pct) * 100);
        long scale = (permyriad * 0xFFFF_FFFFL + 5000L) / 10_000L;
        long tenths = (scale * 100 + 0xFFFF_FFFEL) / 0xFFFF_FFFFL;
        return "TasksMax=" + tenths / 10 + "." + tenths % 10 + "%";
    }

    /**
     * After boot {@code StartupCPUWeight=}/{@code StartupIOWeight=} plan no write, and systemd's leaves the default:
     * {@code cpu.weight} 100, {@code io.weight} {@code default 100}.
     */
    @Test
    void startupWeightsLeaveTheDefaultsAfterBoot() {
        SoftAssertions soft = new SoftAssertions();
        int checked = 0;
        for (int i = 1; i <= CASES.size(); i++) {
            Case c = CASES.get(i - 1);
            Observed o = observed.get(i);
            if (o.exitCodes().stream().anyMatch(rc -> rc != 0) || !c.assignments().stream().allMatch(a -> a.startsWith("Startup"))) {
                continue;
            }
            soft.assertThat(CgroupSettings.of(parse(c.assignments())).plannedWrites(host)).as("row %d %s: planned", i, c.why()).isEmpty();
            if (c.assignments().stream().anyMatch(a -> a.startsWith("StartupCPUWeight"))) {
                soft.assertThat(o.files().get("cpu.weight")).as("row %d %s: cpu.weight", i, c.why()).isEqualTo("100");
                soft.assertThat(o.files().get("cpu.idle")).as("row %d %s: cpu.idle", i, c.why()).isEqualTo("0");
            }
            if (guestHasIoWeight && c.assignments().stream().anyMatch(a -> a.startsWith("StartupIOWeight"))) {
                soft.assertThat(o.files().get("io.weight")).as("row %d %s: io.weight", i, c.why()).startsWith("default 100");
            }
            checked++;
        }
        soft.assertAll();
        assertThat(checked).as("startup rows checked").isGreaterThanOrEqualTo(3);
    }

    /** Per file and key ({@code io.max}'s device, {@code io.weight}'s default or device), the last write: what the file keeps. */
    private static List<CgroupWrite> lastPerKey(List<CgroupWrite> writes) {
        Map<String, CgroupWrite> last = new LinkedHashMap<>();
        for (CgroupWrite w : writes) {
            String file = w.file().fileName();
            boolean keyed = file.equals("io.max") || file.equals("io.weight");
            String key = file + (keyed ? " " + w.content().substring(0, w.content().indexOf(' ')) : "");
            last.remove(key);
            last.put(key, w);
        }
        return List.copyOf(last.values());
    }

    private static int minimumSystemd(String assignment) {
        return DirectiveKind.of(assignment.substring(0, assignment.indexOf('='))).map(DirectiveKind::minimumSystemd).orElse(0);
    }

    /** The kernel keeps memory limits in pages and prints them rounded down; cpu lists with commas. */
    private static String kernelReadBack(CgroupWrite w) {
        if (w.file().fileName().startsWith("memory.") && !w.content().equals("max")) {
            return Long.toString(Long.parseLong(w.content()) / host.pageSize() * host.pageSize());
        }
        if (w.file().fileName().startsWith("cpuset.")) {
            return w.content().replace(' ', ',');
        }
        return w.content();
    }

    private static List<ResourceDirective> parse(List<String> assignments) {
        return assignments.stream().map(a -> {
            int eq = a.indexOf('=');
            return ResourceDirectives.parse(a.substring(0, eq), a.substring(eq + 1));
        }).toList();
    }
}
