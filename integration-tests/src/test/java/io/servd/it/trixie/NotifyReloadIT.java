package io.servd.it.trixie;

import static io.servd.it.daemon.GuestShell.lines;
import static io.servd.it.daemon.GuestShell.run;
import static io.servd.it.daemon.GuestShell.values;
import static org.assertj.core.api.Assertions.assertThat;

import io.servd.it.GuestResult;
import io.servd.it.Vm;
import io.servd.it.VmExtension;
import io.servd.it.daemon.GuestShell;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code systemctl reload servd} through {@code Type=notify-reload} on systemd 257 (issue 15 item 7):
 * servd-generator's drop-in switches the shipped {@code Type=notify} unit to notify-reload and
 * empties {@code ExecReload=}; systemd then sends SIGHUP itself and completes the reload job only
 * once servd has answered {@code RELOADING=1} (with {@code MONOTONIC_USEC=}) and {@code READY=1}.
 * So, unlike on 252 ({@code daemon.ServdSystemdContractIT}, which has to poll), what the reload
 * did is visible the moment {@code systemctl reload} returns: servd sends its new STATUS= in the
 * READY=1 datagram. The steps run in order on one installation; servd binds its own sockets (as
 * after {@code systemctl disable servd.socket servd-control.socket}), so that {@code [HTTP]
 * Listen=} applies live.
 */
@ExtendWith(VmExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotifyReloadIT {

    private static final String CONF = "/etc/servd/servd.conf";
    private static final String GENERATED = "/run/systemd/generator/servd.service.d/50-notify-reload.conf";

    /** {@link GuestShell#installWithoutStarting}, then {@code systemctl start servd}. */
    @BeforeAll
    static void install(Vm vm) throws IOException {
        Path deb = Path.of(VmExtension.property("servd.it.deb"));
        assertThat(deb).as("the .deb built by packaging/deb").isRegularFile();
        GuestResult install = GuestShell.installWithoutStarting(vm, deb);
        assertThat(values(install)).as(install.describe()).containsEntry("dpkg_exit", "0").containsEntry("active", "inactive");
        GuestResult start = vm.exec(GuestShell.STEP_TIMEOUT, "systemctl", "start", "servd.service");
        assertThat(start.exitCode()).as(start.describe()).isZero();
    }

    /** The generator's drop-in is in force: no ExecReload= left to send a second SIGHUP. */
    @Test
    @Order(1)
    void unitRunsAsNotifyReloadWithoutExecReload(Vm vm) throws IOException {
        GuestResult result = run(vm, """
                for p in Type ExecReload ReloadSignal DropInPaths; do echo "$(echo $p | tr A-Z a-z)=$(prop $p)"; done
                sed 's/^/generated:/' %s
                # PID 1's own lines only: qemu-ga logs this very command line, pattern included
                journalctl -b _PID=1 -q --no-pager -o cat | grep -c 'Failed to parse service type' | sed 's/^/parse_warnings=/'
                """.formatted(GENERATED));

        Map<String, String> v = values(result);
        assertThat(v).as(result.describe())
                .containsEntry("type", "notify-reload")
                .containsEntry("execreload", "")
                .containsEntry("reloadsignal", "1")
                .containsEntry("parse_warnings", "0");
        assertThat(v.get("dropinpaths").split(" ")).as("DropInPaths").contains(GENERATED);
        assertThat(lines(result, "generated:")).contains("Type=notify-reload", "ExecReload=");
    }

    /**
     * A new {@code [HTTP] Listen=}: right after {@code systemctl reload} returns, with no polling,
     * the new port answers, StatusText names it, ReloadResult is success, and the JVM is the same.
     * With PID 1 at debug level for this one reload, the journal shows the notify-reload states
     * (running → reload-signal → reload-notify → running), and servd saw exactly one SIGHUP.
     */
    @Test
    @Order(2)
    void reloadReturnsOnlyOnceServdHasReloaded(Vm vm) throws IOException {
        GuestResult result = run(vm, """
                await 600 active
                echo pid_before=$(prop MainPID)
                printf '[HTTP]\\nListen=127.0.0.1:9471\\n' > %s
                level=$(systemd-analyze log-level)
                systemd-analyze log-level debug
                systemctl reload servd.service; echo reload_exit=$?
                echo status_text=$(prop StatusText)
                echo new_port=$(http 9471)
                systemd-analyze log-level "$level"
                echo reload_result=$(prop ReloadResult) pid_after=$(prop MainPID)
                journalctl -u servd.service --cursor="$CURSOR" -q --no-pager -o cat | sed 's/^/journal:/'
                """.formatted(CONF));

        Map<String, String> v = values(result);
        assertThat(v).as(result.describe())
                .containsEntry("reload_exit", "0")
                .containsEntry("status_text", "serving on http://127.0.0.1:9471")
                .containsEntry("new_port", "200")
                .containsEntry("reload_result", "success pid_after=" + v.get("pid_before"));
        List<String> journal = lines(result, "journal:");
        assertThat(journal).as(result.describe())
                .containsSubsequence("servd.service: Changed running -> reload-signal",
                        "servd.service: Changed reload-signal -> reload-notify",
                        "servd.service: Changed reload-notify -> running")
                .anyMatch(l -> l.startsWith("Reloaded servd.service"));
        assertThat(journal.stream().filter(l -> l.contains("received [SIGHUP]: reloading")))
                .as("SIGHUPs servd received for one reload").hasSize(1);
        journal.stream().filter(l -> l.contains("Reload") || l.contains("reload")).forEach(l -> System.out.println("reload: " + l));
    }

    /**
     * A file with a bad value is refused as a whole: systemd's reload still completes (servd
     * answered READY=1), and at once StatusText says the reload was refused, while servd serves on
     * with the running configuration (port 9471) in the same JVM.
     */
    @Test
    @Order(3)
    void brokenConfigIsRefusedAndTheRunningOneStays(Vm vm) throws IOException {
        GuestResult result = run(vm, """
                pid=$(prop MainPID); echo pid_before=$pid
                printf '[HTTP]\\nListen=127.0.0.1:9471\\n[Agent]\\nDrainTimeoutSec=soon\\n' > %s
                systemctl reload servd.service; echo reload_exit=$?
                echo status_text=$(prop StatusText)
                echo reload_result=$(prop ReloadResult) pid_after=$(prop MainPID) active=$(systemctl is-active servd.service)
                echo http=$(http 9471)
                journalctl -u servd.service --cursor="$CURSOR" -q --no-pager -o cat -p err | sed 's/^/error_line:/'
                """.formatted(CONF));

        Map<String, String> v = values(result);
        assertThat(v).as(result.describe())
                .containsEntry("reload_exit", "0")
                .containsEntry("status_text", "serving on http://127.0.0.1:9471 (last reload refused: see the journal)")
                .containsEntry("reload_result", "success pid_after=" + v.get("pid_before") + " active=active")
                .containsEntry("http", "200");
        assertThat(lines(result, "error_line:")).as("errors logged by the refused reload").singleElement().asString()
                .contains("reload refused, keeping the running configuration: [" + CONF + "] has 1 problem(s): ")
                .contains("DrainTimeoutSec=[soon]");
    }

    /** Leaves the shared guest as the next class expects it: no servd, no drop-ins, PID 1 at info. */
    @AfterAll
    static void purge(Vm vm) throws IOException {
        run(vm, """
                systemd-analyze log-level info
                rm -rf %s /usr/sbin/policy-rc.d
                dpkg --purge servd
                systemctl daemon-reload
                systemctl reset-failed servd.service 2>/dev/null
                true
                """.formatted(GuestShell.DROP_INS));
    }
}
