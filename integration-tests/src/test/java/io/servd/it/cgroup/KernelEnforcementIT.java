package io.servd.it.cgroup;

import io.servd.cgroup.unit.HostResources;
import io.servd.cgroup.unit.TasksMax;
import io.servd.it.GuestResult;
import io.servd.it.InstalledServd;
import io.servd.it.Vm;
import io.servd.it.VmExtension;
import io.servd.it.cgroup.guest.ApplyLimits;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Limits the library applies directly to a transient unit's cgroup, bypassing systemd, take effect in
 * the kernel (issue 3 item 8). The library runs in the guest: the guest has no JRE, so this installs
 * the freshly built .deb and runs {@link ApplyLimits} (shipped through the 9p share) on the .deb's
 * runtime with the .deb's {@code servd-cgroup} jar; it does {@code HostResources.read},
 * {@code plannedWrites} and {@code CgroupWriter.apply} against the guest's {@code /sys/fs/cgroup}.
 * The effect is then read from the kernel's own counters ({@code memory.events}, {@code cpu.stat})
 * by shell in the guest, independent of the library. Each scenario is one guest script.
 *
 * <p>Leaves the shared guest as found: the .deb is purged and the units stopped in {@link #cleanUp}.
 */
@ExtendWith(VmExtension.class)
class KernelEnforcementIT {

    /** dpkg -i runs {@code java -Xshare:dump} in postinst: minutes under TCG on a busy host. */
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
    /** A JVM start under TCG takes 2–10 s; the scenario itself ~10 s. */
    private static final Duration SCENARIO_TIMEOUT = Duration.ofMinutes(5);
    private static final String JAVA = "/usr/lib/servd/runtime/bin/java";

    private static String apply;
    private static HostResources host;

    @BeforeAll
    static void installTheRuntimeAndTheMain(Vm vm, @TempDir Path temp) throws IOException, URISyntaxException {
        host = GuestHost.read(vm, temp.resolve("guest-host"));
        Path deb = Path.of(VmExtension.property("servd.it.deb"));
        System.out.println(InstalledServd.ensure(vm, INSTALL_TIMEOUT));
        // servd runs after that: keep the guest quiet for the measurements.
        vm.exec("systemctl", "stop", "servd.service").orThrow();

        // servd_<version>_amd64.deb ships /usr/share/servd/lib/servd-cgroup-<version>.jar
        String version = deb.getFileName().toString().split("_")[1];
        String classes = shipMainClasses(vm);
        apply = JAVA + " -XX:TieredStopAtLevel=1 -cp /usr/share/servd/lib/servd-cgroup-" + version + ".jar:" + classes
                + " " + ApplyLimits.class.getName();
        GuestResult jar = vm.exec("test", "-r", "/usr/share/servd/lib/servd-cgroup-" + version + ".jar");
        assertThat(jar.exitCode()).as("the .deb ships servd-cgroup-%s.jar", version).isZero();
    }

    /** Copies {@code io/servd/it/cgroup/guest/*.class} into the share; returns the guest class path entry. */
    private static String shipMainClasses(Vm vm) throws IOException, URISyntaxException {
        Path testClasses = Path.of(ApplyLimits.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String packageDir = ApplyLimits.class.getPackageName().replace('.', '/');
        Path target = vm.share().resolve("cgroup-it-classes");
        Files.createDirectories(target.resolve(packageDir));
        try (Stream<Path> classes = Files.list(testClasses.resolve(packageDir))) {
            for (Path c : classes.filter(p -> p.toString().endsWith(".class")).toList()) {
                Files.copy(c, target.resolve(packageDir).resolve(c.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return Vm.GUEST_SHARE + "/cgroup-it-classes";
    }

    @AfterAll
    static void cleanUp(Vm vm) throws IOException {
        vm.sh("systemctl stop kernel-hog.service kernel-burn.service kernel-tasks.service </dev/null; "
                + "systemctl reset-failed 'kernel-*.service' </dev/null; rm -f /run/kernel-hog.go; true").orThrow();
        // the package stays for the next class (InstalledServd); it is started again by whichever needs it
    }

    /**
     * MemoryMax=16M by the library on a unit whose shell then doubles a string until the kernel's OOM
     * killer ends it: {@code memory.events oom_kill} goes from 0 to at least 1. OOMPolicy=continue
     * keeps the unit (and its cgroup) alive after the kill, so the counters stay readable.
     */
    @Test
    void memoryMaxAppliedByTheLibraryOomKillsAnAllocator(Vm vm) throws IOException {
        Map<String, String> r = run(vm, """
                U=kernel-hog; G=/system.slice/$U.service; D=/sys/fs/cgroup$G
                rm -f /run/$U.go
                systemd-run --quiet --unit=$U -p MemoryAccounting=yes -p OOMPolicy=continue sh -c \\
                  "while [ ! -e /run/$U.go ]; do sleep 0.2; done; (x=0123456789; while :; do x=\\"\\$x\\$x\\"; done); \\
                   echo allocator exited \\$?; exec sleep infinity" </dev/null
                sleep 0.5
                echo "before_oom_kill=$(awk '$1 == "oom_kill" {print $2}' $D/memory.events)"
                echo "before_max=$(cat $D/memory.max)"
                %s $G MemoryMax=16M; echo "java_rc=$?"
                echo "after_apply_max=$(cat $D/memory.max)"
                touch /run/$U.go
                i=0; while [ $i -lt 600 ] && ! grep -q '^oom_kill [1-9]' $D/memory.events; do sleep 0.1; i=$((i+1)); done
                echo "waited_ms=$((i * 100))"
                echo "after_oom_kill=$(awk '$1 == "oom_kill" {print $2}' $D/memory.events)"
                echo "after_oom=$(awk '$1 == "oom" {print $2}' $D/memory.events)"
                echo "peak=$(cat $D/memory.peak)"
                echo "unit_active=$(systemctl is-active $U.service)"
                echo "journal=$(journalctl -b -u $U.service --no-pager -o cat | grep -m1 -i 'oom killer')"
                systemctl stop $U.service </dev/null
                """.formatted(apply));

        assertThat(r).containsEntry("java_rc", "0").containsEntry("before_max", "max").containsEntry("before_oom_kill", "0");
        assertThat(r).as("the library wrote memory.max").containsEntry("write", "memory.max=16777216")
                .containsEntry("after_apply_max", "16777216");
        assertThat(Long.parseLong(r.get("after_oom_kill"))).as("memory.events oom_kill after allocating past 16M")
                .isGreaterThanOrEqualTo(1);
        assertThat(Long.parseLong(r.get("peak"))).as("memory.peak").isLessThanOrEqualTo(16L << 20);
        assertThat(r).containsEntry("unit_active", "active");
        assertThat(r.get("journal")).contains("killed by the OOM killer");
    }

    /**
     * CPUQuota=20% by the library on a unit running a busy loop: over 5 s (guest wall clock) the kernel
     * throttles it ({@code nr_throttled} grows) and its {@code usage_usec} grows by at most ~20% of the
     * wall time. Before the quota the same loop was never throttled.
     */
    @Test
    void cpuQuotaAppliedByTheLibraryThrottlesABusyLoop(Vm vm) throws IOException {
        Map<String, String> r = run(vm, """
                U=kernel-burn; G=/system.slice/$U.service; D=/sys/fs/cgroup$G
                stat() { awk -v k="$1" '$1 == k {print $2}' $D/cpu.stat; }
                # CPUWeight=100 (the default weight) only makes systemd enable the cpu controller for the unit.
                systemd-run --quiet --unit=$U -p CPUWeight=100 sh -c 'while :; do :; done' </dev/null
                sleep 1
                echo "before_max=$(cat $D/cpu.max)"
                echo "before_throttled=$(stat nr_throttled)"
                %s $G CPUQuota=20%%; echo "java_rc=$?"
                echo "after_apply_max=$(cat $D/cpu.max)"
                sleep 1
                u1=$(stat usage_usec); t1=$(stat nr_throttled); s1=$(date +%%s%%N)
                sleep 5
                u2=$(stat usage_usec); t2=$(stat nr_throttled); s2=$(date +%%s%%N)
                echo "usage_usec=$((u2 - u1))"
                echo "wall_usec=$(((s2 - s1) / 1000))"
                echo "throttled_from=$t1"
                echo "throttled_to=$t2"
                echo "end_max=$(cat $D/cpu.max)"
                systemctl stop $U.service </dev/null
                """.formatted(apply));

        assertThat(r).containsEntry("java_rc", "0").containsEntry("before_max", "max 100000")
                .containsEntry("before_throttled", "0");
        assertThat(r).as("the library wrote cpu.max, and nothing rewrote it during the measurement")
                .containsEntry("write", "cpu.max=20000 100000")
                .containsEntry("after_apply_max", "20000 100000").containsEntry("end_max", "20000 100000");
        long usage = Long.parseLong(r.get("usage_usec"));
        long wall = Long.parseLong(r.get("wall_usec"));
        assertThat(Long.parseLong(r.get("throttled_to"))).as("cpu.stat nr_throttled over the 5 s")
                .isGreaterThan(Long.parseLong(r.get("throttled_from")));
        double share = (double) usage / wall;
        System.out.printf("busy loop under CPUQuota=20%%: %.2f%% of a CPU over %d us, nr_throttled %s -> %s%n",
                share * 100, wall, r.get("throttled_from"), r.get("throttled_to"));
        assertThat(usage).as("usage_usec grew: the loop ran").isPositive();
        // CFS bandwidth may overrun a period by up to a tick: 20% plus a margin
        assertThat(share).as("cpu.stat usage_usec / guest wall time").isLessThanOrEqualTo(0.25);
    }

    /**
     * TasksMax=15% by the library in the guest equals the pids.max systemd gave the same unit by
     * default ({@code DefaultTasksMax=15%} of {@code system_tasks_max()}), and what this JVM computes
     * from the guest's files: the library reads the guest's {@code kernel.pid_max} and
     * {@code kernel.threads-max} on the real procfs as systemd does.
     */
    @Test
    void tasksMaxPercentAppliedInTheGuestEqualsSystemdsDefault(Vm vm) throws IOException {
        Map<String, String> r = run(vm, """
                U=kernel-tasks; G=/system.slice/$U.service; D=/sys/fs/cgroup$G
                systemd-run --quiet --unit=$U -p TasksAccounting=yes sleep infinity </dev/null
                echo "systemd_default=$(systemctl show -p DefaultTasksMax --value)"
                echo "systemd_pids_max=$(cat $D/pids.max)"
                %s $G TasksMax=15%%; echo "java_rc=$?"
                echo "library_pids_max=$(cat $D/pids.max)"
                systemctl stop $U.service </dev/null
                """.formatted(apply));

        String expected = TasksMax.parse("15%").cgroupWrite(host).content();
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(r.get("systemd_pids_max")).as("systemd's DefaultTasksMax [%s] on the unit vs this JVM's",
                r.get("systemd_default")).isEqualTo(expected);
        soft.assertThat(r.get("host")).as("HostResources.read in the guest (real /proc) vs in this JVM (copied files)")
                .isEqualTo(host.toString());
        soft.assertThat(r).containsEntry("java_rc", "0").containsEntry("write", "pids.max=" + expected)
                .containsEntry("library_pids_max", r.get("systemd_pids_max"));
        soft.assertAll();
    }

    /**
     * Runs {@code script} in the guest and returns its {@code key=value} lines; {@link ApplyLimits}'s
     * {@code write file=content} and {@code host ...} lines come back as {@code write} and {@code host}.
     */
    private static Map<String, String> run(Vm vm, String script) throws IOException {
        long started = System.nanoTime();
        GuestResult result = vm.exec(SCENARIO_TIMEOUT, "sh", "-c", script);
        System.out.printf("scenario ran in %d ms:%n%s%s", (System.nanoTime() - started) / 1_000_000,
                result.stdout(), result.stderr());
        assertThat(result.exitCode()).as(result.describe()).isZero();
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : result.stdout().lines().toList()) {
            if (line.startsWith("write ") || line.startsWith("host ")) {
                int space = line.indexOf(' ');
                values.merge(line.substring(0, space), line.substring(space + 1), (a, b) -> a + "\n" + b);
            } else if (line.contains("=")) {
                values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        return values;
    }
}
