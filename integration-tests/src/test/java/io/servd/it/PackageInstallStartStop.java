package io.servd.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.cgroup.MemoryEvents;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The freshly built .deb on a clean Debian guest with systemd as PID 1 and no network:
 * {@code dpkg -i}, {@code systemctl start}, {@code /healthz} from the host, the unit as
 * {@code systemd-analyze} sees it, {@code systemctl stop}, {@code dpkg --purge}. One subclass per
 * test-bed VM ({@link ServdPackageIT} on bookworm, {@code trixie.TrixiePackageIT} on trixie) says
 * what differs between the systemd versions. The steps run in order on one guest; a failed step
 * leaves the later ones failing too, and {@link VmExtension} copies the guest journal to
 * {@code target/vm-logs/}.
 */
@ExtendWith(VmExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class PackageInstallStartStop {

    private static final String UNIT = "servd.service";
    private static final String[] UNIT_FILES = {"/lib/systemd/system/servd.service", "/lib/systemd/system/servd.socket",
        "/lib/systemd/system/servd-control.socket"};
    /** Generous: under TCG the JVM alone takes ~2 s to start, and the host is shared. */
    private static final Duration SYSTEMCTL_TIMEOUT = Duration.ofMinutes(3);
    /** As the other package ITs: unpacking, postinst's two CDS dumps (servd.jsa, servctl.jsa) and the start. */
    private static final Duration DPKG_TIMEOUT = Duration.ofMinutes(6);
    private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d+)");
    /**
     * Everything the package puts on the system, or makes at run time, that purge must take away
     * (the servd system user stays, see PackageLifecycleIT): its files, the enable links, and the
     * generator's drop-in (gone with the daemon-reload of postrm, once the generator is).
     */
    private static final String[] PURGED = {"/etc/servd", "/var/lib/servd", "/run/servd", "/usr/lib/servd",
        "/usr/share/servd", "/usr/share/doc/servd", "/usr/bin/servd", "/usr/bin/servctl", UNIT_FILES[0], UNIT_FILES[1],
        UNIT_FILES[2], "/usr/lib/systemd/system-generators/servd-generator", "/run/systemd/generator/servd.service.d",
        "/etc/systemd/system/multi-user.target.wants/servd.service",
        "/etc/systemd/system/sockets.target.wants/servd.socket",
        "/etc/systemd/system/sockets.target.wants/servd-control.socket"};

    /** Guest clock when the class started, for journal queries about this class's steps only. */
    private static String since;

    /**
     * servd.service's {@code Type=} as this systemd runs it: {@code notify} on 252, which lacks
     * {@code notify-reload}; {@code notify-reload} from 253 on (servd-generator's drop-in).
     */
    protected abstract String serviceType();

    /** The most {@code systemd-analyze security servd.service} may score on this systemd. */
    protected abstract double maxExposure();

    @Test
    @Order(1)
    public void installsWithDpkgOffline(Vm vm) throws IOException {
        Path deb = Path.of(VmExtension.property("servd.it.deb"));
        assertThat(deb).as("the .deb built by packaging/deb (run the reactor, not this module alone)").isRegularFile();
        String guestDeb = vm.put(deb);
        // a first install: another class may have left servd installed for the next (InstalledServd)
        vm.exec(DPKG_TIMEOUT, "dpkg", "--purge", "servd").orThrow();
        since = "@" + vm.exec("date", "+%s").orThrow().stdout().trim();

        GuestResult install = vm.exec(DPKG_TIMEOUT, "dpkg", "-i", guestDeb);

        assertThat(install.exitCode()).as(install.describe()).isZero();
        assertThat(vm.exec("dpkg-query", "-W", "-f", "${Status}", "servd").orThrow().stdout())
                .isEqualTo("install ok installed");
    }

    /**
     * Type=notify (and notify-reload) makes {@code systemctl start} block until systemd accepts
     * READY=1 from the main pid (NotifyAccess=main), and only then is the unit active. So: the unit
     * must be of that type, and the very first request made after {@code start} returns, with no
     * retry, must succeed: servd sent READY only once it accepted connections. STATUS= reaching
     * StatusText shows the notify socket works from the JVM itself.
     */
    @Test
    @Order(2)
    public void startReturnsOnlyOnceServdIsReady(Vm vm) throws IOException {
        // postinst starts the unit on first install: begin from a stopped unit.
        vm.exec(SYSTEMCTL_TIMEOUT, "systemctl", "stop", UNIT).orThrow();
        assertThat(show(vm, "Type", "NotifyAccess")).containsEntry("Type", serviceType()).containsEntry("NotifyAccess", "main");
        // notify-reload: systemd sends the SIGHUP itself, and an ExecReload= would send a second one.
        // (systemctl show prints no line at all for an empty ExecReload=)
        String execReload = show(vm, "ExecReload").getOrDefault("ExecReload", "");
        if (serviceType().equals("notify-reload")) {
            assertThat(execReload).as("ExecReload under Type=notify-reload").isEmpty();
        } else {
            assertThat(execReload).as("ExecReload under Type=%s", serviceType()).contains("kill -HUP $MAINPID");
        }

        GuestResult startThenProbe = vm.sh("systemctl start " + UNIT
                + " && curl -sS -o /dev/null -w '%{http_code}' --max-time 10 http://127.0.0.1:9470/healthz");

        assertThat(startThenProbe.exitCode()).as(startThenProbe.describe()).isZero();
        assertThat(startThenProbe.stdout()).as("first /healthz right after start returned").isEqualTo("200");
        Map<String, String> state = show(vm, "ActiveState", "SubState", "StatusText", "MainPID");
        assertThat(state).containsEntry("ActiveState", "active").containsEntry("SubState", "running");
        assertThat(state.get("StatusText")).as("STATUS= sent by servd").contains("9470");
        // The JVM itself is the main process (no shell wrapper left alive).
        assertThat(vm.exec("readlink", "/proc/" + state.get("MainPID") + "/exe").orThrow().stdout().trim())
                .endsWith("/java");
    }

    @Test
    @Order(3)
    public void healthzAnswersTheHostThroughTheForward(Vm vm) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + vm.httpPort() + "/healthz"))
                .timeout(Duration.ofSeconds(30)).GET().build();

        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as("GET /healthz, body [%s]", response.body()).isEqualTo(200);
    }

    /**
     * Issue 14 item 3: the shipped servd lives within its own unit's limits. After the start and a
     * first round of its read API (the unit table, a scrape, the web page, history), its cgroup's
     * peak stays below {@code MemoryHigh=} (so the kernel never had to reclaim from it, let alone
     * throttle it) and so below {@code MemoryMax=}; {@code memory.events} counts no high, max or
     * oom_kill event. The figures go to the test's output.
     */
    @Test
    @Order(4)
    public void servdStaysWithinItsOwnMemoryLimits(Vm vm) throws IOException {
        GuestResult reads = vm.sh("for p in /v1/units /metrics / /v1/self /v1/units/servd.service/history; do"
                + " curl -sS -o /dev/null -w '%{http_code} ' --max-time 60 http://127.0.0.1:9470$p || exit 1; done");
        assertThat(reads.exitCode()).as(reads.describe()).isZero();
        assertThat(reads.stdout().trim().split(" ")).as("GET /v1/units /metrics / /v1/self /v1/units/servd.service/history")
                .containsOnly("200");
        Map<String, String> limits = show(vm, "MemoryHigh", "MemoryMax", "ControlGroup");
        String cgroup = "/sys/fs/cgroup" + limits.get("ControlGroup");
        long high = Long.parseLong(limits.get("MemoryHigh"));
        long max = Long.parseLong(limits.get("MemoryMax"));
        // one round trip: memory.current and memory.peak are a line each, memory.events the rest
        List<String> lines = vm.exec("cat", cgroup + "/memory.current", cgroup + "/memory.peak", cgroup + "/memory.events")
                .orThrow().stdout().lines().toList();
        long current = Long.parseLong(lines.get(0));
        long peak = Long.parseLong(lines.get(1));
        MemoryEvents events = MemoryEvents.parseCgroup(String.join("\n", lines.subList(2, lines.size())),
                Path.of(cgroup, "memory.events"));
        System.out.printf("servd on %s after start and its read API: memory.current %d, memory.peak %d;"
                + " MemoryHigh %d, MemoryMax %d; memory.events %s%n", vm.suite(), current, peak, high, max, events);

        assertThat(high).as("MemoryHigh of the shipped unit").isLessThan(max);
        assertThat(peak).as("memory.peak of %s (MemoryHigh %d, MemoryMax %d)", cgroup, high, max).isLessThan(high);
        assertThat(events).as("%s/memory.events", cgroup).extracting(MemoryEvents::high, MemoryEvents::max,
                MemoryEvents::oomKill).containsExactly(0L, 0L, 0L);
    }

    /**
     * Issue 7 item 3 and issue 12 item 5, on the installed files as this systemd sees them: no
     * diagnostics from {@code systemd-analyze verify}, and an exposure score no higher than
     * {@link #maxExposure()} (each systemd version scores its own list of settings).
     */
    @Test
    @Order(5)
    public void unitPassesVerifyAndScoresWithinTheExposureLimit(Vm vm) throws IOException {
        String[] argv = new String[3 + UNIT_FILES.length];
        System.arraycopy(new String[] {"systemd-analyze", "verify", "--man=no"}, 0, argv, 0, 3);
        System.arraycopy(UNIT_FILES, 0, argv, 3, UNIT_FILES.length);
        GuestResult verify = vm.exec(argv);
        assertThat(verify.exitCode()).as(verify.describe()).isZero();
        assertThat(verify.stderr()).as("systemd-analyze verify diagnostics").isBlank();

        GuestResult security = vm.exec("systemd-analyze", "security", "--no-pager", UNIT);
        Matcher exposure = EXPOSURE.matcher(security.stdout());
        assertThat(exposure.find()).as(security.describe()).isTrue();
        double score = Double.parseDouble(exposure.group(1));
        System.out.printf("systemd-analyze security %s on %s: exposure %.1f%n", UNIT, vm.suite(), score);
        assertThat(score).as("overall exposure of %s on %s", UNIT, vm.suite()).isLessThanOrEqualTo(maxExposure());
    }

    /** SIGTERM: servd drains (its "drained:" line), exits 0 by itself, and the unit is inactive, not failed. */
    @Test
    @Order(6)
    public void stopDrainsAndLeavesTheUnitInactiveNotFailed(Vm vm) throws IOException {
        String pid = show(vm, "MainPID").get("MainPID");

        GuestResult stop = vm.exec(SYSTEMCTL_TIMEOUT, "systemctl", "stop", UNIT);

        assertThat(stop.exitCode()).as(stop.describe()).isZero();
        assertThat(show(vm, "ActiveState", "SubState", "Result", "ExecMainStatus"))
                .containsEntry("ActiveState", "inactive")
                .containsEntry("SubState", "dead")
                .containsEntry("Result", "success")
                .containsEntry("ExecMainStatus", "0");
        GuestResult journal = vm.exec("journalctl", "_PID=" + pid, "-o", "cat", "--no-pager", "-q");
        assertThat(journal.stdout().lines()).as("journal of servd's JVM, pid %s", pid)
                .anyMatch(l -> l.contains("drained: "))
                .anyMatch(l -> l.endsWith("stopped"));
    }

    @Test
    @Order(7)
    public void journalHasNoErrorsFromServd(Vm vm) throws IOException {
        GuestResult errors = vm.exec("journalctl", "-u", UNIT, "--since", since, "-p", "err", "--no-pager", "-q");

        assertThat(errors.exitCode()).as(errors.describe()).isZero();
        assertThat(errors.stdout()).as("journalctl -u servd -p err").isBlank();
    }

    @Test
    @Order(8)
    public void purgeLeavesNothingBehind(Vm vm) throws IOException {
        GuestResult purge = vm.exec(DPKG_TIMEOUT, "dpkg", "--purge", "servd");
        assertThat(purge.exitCode()).as(purge.describe()).isZero();

        assertThat(vm.exec("dpkg-query", "-W", "servd").exitCode()).as("dpkg-query -W servd after purge").isNotZero();
        for (String path : PURGED) {
            // -e follows symlinks; -L catches a dangling one (an enable link to a removed unit).
            assertThat(vm.sh("test -e '" + path + "' || test -L '" + path + "'").succeeded()).as(path + " after purge")
                    .isFalse();
        }
        assertThat(show(vm, "LoadState")).containsEntry("LoadState", "not-found");
        assertThat(vm.exec("pgrep", "-u", "servd").exitCode()).as("processes of user servd left running").isEqualTo(1);
    }

    /** Leaves the shared guest as other test classes expect it, whatever step failed: without servd. */
    @AfterAll
    static void purge(Vm vm) throws IOException {
        vm.exec(SYSTEMCTL_TIMEOUT, "dpkg", "--purge", "servd");
    }

    /** {@code systemctl show -p ...} as a map, in the order asked. */
    private static Map<String, String> show(Vm vm, String... properties) throws IOException {
        GuestResult show = vm.exec("systemctl", "show", UNIT, "-p", String.join(",", properties)).orThrow();
        Map<String, String> values = new LinkedHashMap<>();
        show.stdout().lines().filter(l -> l.contains("=")).forEach(l -> {
            int eq = l.indexOf('=');
            values.put(l.substring(0, eq), l.substring(eq + 1));
        });
        return values;
    }
}
