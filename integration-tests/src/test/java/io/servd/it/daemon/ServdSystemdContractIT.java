package io.servd.it.daemon;

import static io.servd.it.daemon.GuestShell.lines;
import static io.servd.it.daemon.GuestShell.run;
import static io.servd.it.daemon.GuestShell.values;
import static org.assertj.core.api.Assertions.assertThat;

import io.servd.it.GuestResult;
import io.servd.it.Vm;
import io.servd.it.VmExtension;
import io.servd.it.daemon.guest.LoopbackLoad;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * servd's systemd contract (issue 4 item 7) against systemd 252 in the test-bed VM, on the installed
 * .deb: READY gates {@code active}; {@code systemctl reload} applies a new listen address live and
 * refuses a broken file while serving on; the watchdog gets a stopped JVM killed and restarted;
 * a restart behind {@code servd.socket} loses no connection; the journal holds only the warnings
 * provoked here; the native-protocol appender's fields reach the journal.
 *
 * <p>The steps run in order on one installation (each builds on the state the previous left) and
 * poll for effects inside the guest with wide timeouts: under TCG on a shared host a servd start
 * takes 10–90 s. Nothing here asserts speed; the figures are printed for the record. Steps 1–6 run
 * with servd binding its own sockets, as after an operator's {@code systemctl disable --now
 * servd.socket servd-control.socket} (the package enables both, and a socket-activated servd does
 * not apply {@code [HTTP] Listen=}); step 7 enables servd.socket again.
 */
@ExtendWith(VmExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServdSystemdContractIT {

    private static final String CONF = "/etc/servd/servd.conf";
    private static final String DROP_INS = GuestShell.DROP_INS;
    /** Marks the socket unit this class writes when the package ships none yet. */
    private static final String OURS = "written by ServdSystemdContractIT";
    private static final String GUEST_CLASSES = Vm.GUEST_SHARE + "/daemon-it-classes";

    /** Journal position before this class touched servd: the warnings check starts here. */
    private static String classCursor;

    /** {@link GuestShell#installWithoutStarting}: servd installed, binding its own sockets, not started. */
    @BeforeAll
    static void install(Vm vm) throws IOException {
        Path deb = Path.of(VmExtension.property("servd.it.deb"));
        assertThat(deb).as("the .deb built by packaging/deb").isRegularFile();
        GuestResult install = GuestShell.installWithoutStarting(vm, deb);
        assertThat(values(install)).as(install.describe()).containsEntry("dpkg_exit", "0").containsEntry("active", "inactive");
        classCursor = values(install).get("cursor");
    }

    /**
     * Type=notify: systemd keeps the unit {@code activating} until servd's READY=1, which carries
     * STATUS= in the same datagram. Each {@code systemctl show} is one D-Bus GetAll, a consistent
     * snapshot: in every sample, {@code active} must come with the STATUS text and
     * {@code activating} without it, and the first {@code active} sample must already serve.
     */
    @Test
    @Order(1)
    void unitIsActiveOnlyAfterReady(Vm vm) throws IOException {
        GuestResult result = run(vm, """
                systemctl start --no-block servd.service
                end=$(( $(date +%s) + 600 ))
                while [ "$(date +%s)" -lt "$end" ]; do
                  s=$(systemctl show servd.service -p ActiveState -p StatusText | sort | tr '\\n' '|')
                  echo "sample=${s}curl=$(http 9470)"
                  case "$s" in *ActiveState=active\\|*|*ActiveState=failed\\|*) break;; esac
                  sleep 0.3
                done
                systemctl status servd.service --no-pager -n 0 | sed 's/^/status_line:/'
                echo control=$(stat -c '%F %U:%G %a' /run/servd/control.sock)
                """);

        List<String> samples = lines(result, "sample=");
        assertThat(samples).as(result.describe()).isNotEmpty();
        String last = samples.get(samples.size() - 1);
        assertThat(last).as("last sample").startsWith("ActiveState=active|")
                .endsWith("|StatusText=serving on http://127.0.0.1:9470|curl=200");
        assertThat(samples).as("samples while starting").anyMatch(s -> s.startsWith("ActiveState=activating|"));
        for (String sample : samples) {
            boolean active = sample.startsWith("ActiveState=active|");
            boolean hasStatus = !sample.contains("|StatusText=|");
            assertThat(hasStatus).as("STATUS= (sent with READY=1) present exactly when active: [%s]", sample).isEqualTo(active);
        }
        assertThat(lines(result, "status_line:")).as("systemctl status servd")
                .anyMatch(l -> l.trim().equals("Status: \"serving on http://127.0.0.1:9470\""));
        // Without servd-control.socket servd binds the control socket itself, under the unit's
        // sandbox: its own group (servd) needs no chown(2), which SystemCallFilter= refuses.
        assertThat(values(result)).as(result.describe()).containsEntry("control", "socket servd:servd 660");
        System.out.printf("readiness: %d samples while activating, then active%n", samples.size() - 1);
    }

    /**
     * {@code [HTTP] Listen=} changes live: after {@code systemctl reload} the new port answers, the
     * old one is closed, StatusText names the new address and the JVM is the same. systemd 252 with
     * {@code ExecReload=kill -HUP} does not wait for the reload (RELOADING=1 races the kill), so the
     * effect is polled for.
     */
    @Test
    @Order(2)
    void reloadAppliesANewListenAddress(Vm vm) throws IOException {
        GuestResult result = run(vm, """
                await 600 active
                pid=$(prop MainPID); echo pid_before=$pid
                printf '[HTTP]\\nListen=127.0.0.1:9471\\n' > %s
                systemctl reload servd.service; echo reload_exit=$?
                await 300 answers 9471; echo new_port_answers=$?
                await 120 status_has 9471; echo status_text=$(prop StatusText)
                await 120 refused 9470; echo old_port=$(http 9470)
                echo pid_after=$(prop MainPID) active=$(systemctl is-active servd.service)
                """.formatted(CONF));

        Map<String, String> v = values(result);
        assertThat(v).as(result.describe())
                .containsEntry("reload_exit", "0")
                .containsEntry("new_port_answers", "0")
                .containsEntry("status_text", "serving on http://127.0.0.1:9471")
                .containsEntry("old_port", "000")
                .containsEntry("pid_after", v.get("pid_before") + " active=active");
    }

    /**
     * A file with a bad value is refused as a whole: one error line naming file:line and the value,
     * the unit stays active on the same JVM, still serving the running configuration (port 9471),
     * and StatusText says the last reload was refused.
     */
    @Test
    @Order(3)
    void brokenConfigIsRefusedAndServdKeepsServing(Vm vm) throws IOException {
        GuestResult result = run(vm, """
                await 600 active
                pid=$(prop MainPID); echo pid_before=$pid
                printf '[HTTP]\\nListen=127.0.0.1:9471\\n[Agent]\\nDrainTimeoutSec=soon\\n' > %s
                systemctl reload servd.service; echo reload_exit=$?
                await 300 logged 'reload refused'; echo refused_logged=$?
                await 120 status_has 'last reload refused'; echo status_text=$(prop StatusText)
                echo pid_after=$(prop MainPID) active=$(systemctl is-active servd.service)
                echo http=$(http 9471)
                journalctl -u servd.service --cursor="$CURSOR" -q --no-pager -o cat -p err | sed 's/^/error_line:/'
                """.formatted(CONF));

        Map<String, String> v = values(result);
        assertThat(v).as(result.describe())
                .containsEntry("reload_exit", "0")
                .containsEntry("refused_logged", "0")
                .containsEntry("status_text", "serving on http://127.0.0.1:9471 (last reload refused: see the journal)")
                .containsEntry("pid_after", v.get("pid_before") + " active=active")
                .containsEntry("http", "200");
        assertThat(lines(result, "error_line:")).as("errors logged by the refused reload").singleElement()
                .asString()
                .contains("reload refused, keeping the running configuration: [" + CONF + "] has 1 problem(s): ")
                .contains(CONF + ":4: ")
                .contains("DrainTimeoutSec=[soon]");
    }

    /**
     * A transport change cannot apply live: the reload is taken (StatusText without "refused") with
     * one warning. Then the default file is restored and servd restarted onto port 9470.
     */
    @Test
    @Order(4)
    void transportChangeWarnsThatItNeedsARestart(Vm vm) throws IOException {
        GuestResult result = run(vm, """
                printf '[HTTP]\\nListen=127.0.0.1:9471\\n[Agent]\\nTransport=nio\\n' > %s
                systemctl reload servd.service; echo reload_exit=$?
                await 300 logged 'takes effect at the next restart'; echo warned=$?
                await 120 sh -c '! systemctl show servd.service -p StatusText --value | grep -q refused'
                echo status_text=$(prop StatusText)
                journalctl -u servd.service --cursor="$CURSOR" -q --no-pager -o cat -p warning | sed 's/^/warning_line:/'
                printf '# servd.conf: defaults (restored by ServdSystemdContractIT)\\n' > %s
                systemctl restart servd.service; echo restart_exit=$?
                await 120 answers 9470; echo http=$(http 9470)
                """.formatted(CONF, CONF));

        Map<String, String> v = values(result);
        assertThat(v).as(result.describe())
                .containsEntry("reload_exit", "0")
                .containsEntry("warned", "0")
                .containsEntry("status_text", "serving on http://127.0.0.1:9471")
                .containsEntry("restart_exit", "0")
                .containsEntry("http", "200");
        assertThat(lines(result, "warning_line:")).as(result.describe()).singleElement().asString()
                // the shipped unit logs over journald's native protocol: MESSAGE is the message alone
                .isEqualTo("[Transport=nio] takes effect at the next restart; still on [epoll]");
    }

    /**
     * With {@code -Dservd.log=journal} (servd's own Logback configuration, what servd.service sets)
     * from a drop-in, entries arrive over the native protocol ({@code _TRANSPORT=journal})
     * with their structured fields. A start that cannot bind, at debug level, logs the
     * BindException: its stack trace is the EXCEPTION field. The drop-in and file are then removed.
     */
    @Test
    @Order(5)
    void journalAppenderFieldsReachTheJournal(Vm vm) throws IOException {
        GuestResult result = run(vm, """
                printf '[Service]\\nEnvironment=SERVD_JAVA_OPTS=-Dservd.log=journal\\n' \
                    > %1$s/60-it-journal-appender.conf
                systemctl daemon-reload
                systemctl restart servd.service; echo restart_exit=$?
                # servd logs 'ready:' just after sending READY=1, which is when systemctl returns.
                await 120 logged 'ready: serving on'
                journalctl -u servd.service --cursor="$CURSOR" -q --no-pager -o json \
                    | grep '"MESSAGE":"ready: serving on' | tail -n 1 | sed 's/^/ready_json:/'
                # 192.0.2.1 (TEST-NET-1) is no local address: bind fails with EADDRNOTAVAIL, nothing is sent.
                printf '[HTTP]\\nListen=192.0.2.1:9470\\n[Log]\\nLevel=debug\\n' > %2$s
                systemctl restart servd.service; echo failed_start_exit=$?
                # Cancels the start Restart=on-failure schedules 2 s later (it would fail the same way).
                systemctl stop servd.service
                await 120 logged 'bind failed'
                journalctl -u servd.service --cursor="$CURSOR" -q --no-pager -o json \
                    | grep '"MESSAGE":"bind failed"' | tail -n 1 | sed 's/^/exception_json:/'
                printf '# servd.conf: defaults (restored by ServdSystemdContractIT)\\n' > %2$s
                rm -f %1$s/60-it-journal-appender.conf
                systemctl daemon-reload
                systemctl reset-failed servd.service
                systemctl start servd.service; echo restore_exit=$?
                await 120 answers 9470; echo http=$(http 9470)
                """.formatted(DROP_INS, CONF));

        Map<String, String> v = values(result);
        assertThat(v).as(result.describe())
                .containsEntry("restart_exit", "0")
                .doesNotContainEntry("failed_start_exit", "0")
                .containsEntry("restore_exit", "0")
                .containsEntry("http", "200");
        assertThat(lines(result, "ready_json:")).as(result.describe()).singleElement().asString()
                .contains("\"_TRANSPORT\":\"journal\"")
                .contains("\"_SYSTEMD_UNIT\":\"servd.service\"")
                .contains("\"PRIORITY\":\"6\"")
                .contains("\"SYSLOG_IDENTIFIER\":\"servd\"")
                .contains("\"LOGGER\":\"io.servd.daemon.lifecycle.Lifecycle\"")
                .contains("\"THREAD_NAME\":\"main\"")
                .contains("\"CODE_FILE\":\"Lifecycle.java\"")
                .containsPattern("\"CODE_LINE\":\"[1-9][0-9]*\"")
                .contains("\"CODE_FUNC\":\"io.servd.daemon.lifecycle.Lifecycle.ready\"");
        assertThat(lines(result, "exception_json:")).as(result.describe()).singleElement().asString()
                .contains("\"_TRANSPORT\":\"journal\"")
                .contains("\"PRIORITY\":\"7\"")
                .contains("\"EXCEPTION_CLASS\":\"java.net.BindException\"")
                .containsPattern("\"EXCEPTION\":\"java\\.net\\.BindException: [^\"]*192\\.0\\.2\\.1[^\"]*\\\\n\\\\tat ");
    }

    /**
     * {@code kill -STOP} of the JVM: no more WATCHDOG=1, so systemd times the watchdog out after
     * WatchdogSec=10s, aborts the JVM and Restart=on-failure starts a new one.
     */
    @Test
    @Order(6)
    void watchdogRestartsAStoppedJvm(Vm vm) throws IOException {
        GuestResult result = run(vm, """
                await 600 active
                pid=$(prop MainPID); echo pid_before=$pid; echo restarts_before=$(prop NRestarts)
                echo stopped_at_us=$(now_us)
                kill -STOP "$pid"
                await 900 replaced "$pid"; echo replaced=$?
                echo active_again_at_us=$(now_us)
                echo restarts_after=$(prop NRestarts) pid_after=$(prop MainPID) http=$(http 9470)
                journalctl -u servd.service --cursor="$CURSOR" -q --no-pager -o short-unix \
                    | grep 'systemd\\[1\\]' | sed 's/^/systemd_line:/'
                """);

        Map<String, String> v = values(result);
        assertThat(v).as(result.describe()).containsEntry("replaced", "0");
        assertThat(Integer.parseInt(v.get("restarts_after").split(" ")[0]))
                .as("NRestarts").isEqualTo(Integer.parseInt(v.get("restarts_before")) + 1);
        assertThat(v.get("restarts_after")).endsWith("http=200");
        long stoppedAt = Long.parseLong(v.get("stopped_at_us"));
        String timeout = lines(result, "systemd_line:").stream().filter(l -> l.contains("Watchdog timeout (limit 10s)!"))
                .findFirst().orElseThrow(() -> new AssertionError("no watchdog timeout logged:\n" + result.describe()));
        long firedAt = (long) (Double.parseDouble(timeout.substring(0, timeout.indexOf(' '))) * 1_000_000);
        double firedAfter = (firedAt - stoppedAt) / 1e6;
        assertThat(firedAfter).as("seconds from SIGSTOP to systemd's watchdog timeout (WatchdogSec=10s + margin)")
                .isBetween(0.0, 70.0);
        assertThat(lines(result, "systemd_line:")).as(result.describe())
                .anyMatch(l -> l.contains("Failed with result 'watchdog'"))
                .anyMatch(l -> l.contains("Scheduled restart job, restart counter is at"));
        System.out.printf("watchdog: timeout %.1f s after SIGSTOP, new JVM active %.1f s after SIGSTOP%n",
                firedAfter, (Long.parseLong(v.get("active_again_at_us")) - stoppedAt) / 1e6);
    }

    /**
     * servd behind servd.socket (the packaged unit if there is one, else a minimal one written
     * here): the listening socket belongs to systemd, servd adopts the fd named {@code http}, and a
     * loopback load (new connection per request) running from before {@code systemctl restart}
     * until 10 s after it returned (bounded at 10 min) sees every connection accepted and answered
     * 2xx: requests made while no JVM accepts wait in the backlog.
     */
    @Test
    @Order(7)
    void restartBehindTheSocketLosesNoConnection(Vm vm) throws IOException, URISyntaxException {
        shipLoadClient(vm);
        GuestResult result = run(vm, """
                if systemctl cat servd.socket >/dev/null 2>&1; then echo socket_unit=packaged; else
                  printf '# %1$s\\n[Socket]\\nListenStream=127.0.0.1:9470\\nFileDescriptorName=http\\nService=servd.service\\n[Install]\\nWantedBy=sockets.target\\n' \
                      > /etc/systemd/system/servd.socket
                  systemctl daemon-reload; echo socket_unit=written
                fi
                systemctl stop servd.service
                systemctl enable --now servd.socket; echo socket_exit=$?
                systemctl start servd.service; echo start_exit=$?
                await 60 logged 'serving http on inherited fd'; echo inherited=$?
                rm -f /tmp/servd-it-load.stop
                /usr/lib/servd/runtime/bin/java -cp %2$s %3$s 9470 600 4 /tmp/servd-it-load.stop > /tmp/servd-it-load.out 2>&1 &
                load=$!
                await 300 grep -q '^running' /tmp/servd-it-load.out; echo load_running=$?
                sleep 2
                pid=$(prop MainPID); echo pid_before=$pid
                t0=$(now_us); systemctl restart servd.service; echo restart_exit=$?; t1=$(now_us)
                echo restart_us=$((t1 - t0)) pid_after=$(prop MainPID)
                sleep 10; touch /tmp/servd-it-load.stop
                wait $load; echo load_exit=$?
                sed 's/^/load:/' /tmp/servd-it-load.out
                """.formatted(OURS, GUEST_CLASSES, LoopbackLoad.class.getName()));

        Map<String, String> v = values(result);
        assertThat(v).as(result.describe())
                .containsEntry("socket_exit", "0")
                .containsEntry("start_exit", "0")
                .containsEntry("inherited", "0")
                .containsEntry("load_running", "0")
                .containsEntry("restart_exit", "0")
                .containsEntry("load_exit", "0");
        assertThat(v.get("restart_us")).as("a new JVM").doesNotEndWith("pid_after=" + v.get("pid_before"));
        String summary = lines(result, "load:requests=").stream().findFirst()
                .orElseThrow(() -> new AssertionError("no load summary:\n" + result.describe()));
        Map<String, Long> load = new java.util.LinkedHashMap<>();
        Matcher m = Pattern.compile("([a-zA-Z0-9]+)=(\\d+)").matcher("requests=" + summary);
        while (m.find()) {
            load.put(m.group(1), Long.parseLong(m.group(2)));
        }
        System.out.printf("load across restart (socket unit %s): %s; systemctl restart took %d ms%n",
                v.get("socket_unit"), load, Long.parseLong(v.get("restart_us").split(" ")[0]) / 1000);
        assertThat(load).as(result.describe())
                .containsEntry("connectFailed", 0L)
                .containsEntry("ioErrors", 0L)
                .containsEntry("non2xx", 0L);
        assertThat(load.get("ok")).as("requests answered").isPositive().isEqualTo(load.get("requests"));
    }

    /**
     * Every warning-or-worse journal entry of servd.service since this class began, servd's own
     * and systemd's about the unit, is one this class provoked, as often as it provoked it. servd's
     * stderr lines read {@code LEVEL [thread] logger - message} ({@code -o cat}), hence {@code find}.
     */
    @Test
    @Order(8)
    void journalHoldsExactlyTheProvokedWarnings(Vm vm) throws IOException {
        GuestResult result = vm.exec("journalctl", "-u", "servd.service", "--cursor=" + classCursor,
                "-p", "warning", "-q", "--no-pager", "-o", "cat").orThrow();
        List<String> entries = result.stdout().lines().toList();
        Map<Pattern, Integer> provoked = new java.util.LinkedHashMap<>();
        // step 3: the refused reload
        provoked.put(Pattern.compile("reload refused, keeping the running configuration: \\[/etc/servd/servd\\.conf\\] "
                + "has 1 problem\\(s\\): /etc/servd/servd\\.conf:4: .*DrainTimeoutSec=\\[soon\\]$"), 1);
        // step 4: the transport change
        provoked.put(Pattern.compile(Pattern.quote("[Transport=nio] takes effect at the next restart; still on [epoll]") + "$"), 1);
        // step 5: the start that could not bind: servd's error, systemd's verdict
        provoked.put(Pattern.compile("^cannot listen on \\[192\\.0\\.2\\.1:9470\\]: "), 1);
        provoked.put(Pattern.compile("^servd\\.service: Failed with result 'exit-code'\\.$"), 1);
        provoked.put(Pattern.compile("^Failed to start servd\\.service - "), 1);
        // step 6: the watchdog
        provoked.put(Pattern.compile("^servd\\.service: Watchdog timeout \\(limit 10s\\)!$"), 1);
        provoked.put(Pattern.compile("^servd\\.service: Main process exited, code=killed, status=6/ABRT$"), 1);
        provoked.put(Pattern.compile("^servd\\.service: Failed with result 'watchdog'\\.$"), 1);

        List<String> unexpected = new ArrayList<>();
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        provoked.keySet().forEach(p -> counts.put(p.pattern(), 0));
        for (String entry : entries) {
            var match = provoked.keySet().stream().filter(p -> p.matcher(entry).find()).findFirst();
            if (match.isPresent()) {
                counts.merge(match.get().pattern(), 1, Integer::sum);
            } else {
                unexpected.add(entry);
            }
        }
        Map<String, Integer> expected = new java.util.LinkedHashMap<>();
        provoked.forEach((p, n) -> expected.put(p.pattern(), n));
        assertThat(unexpected).as("warnings nobody provoked; all of them:\n%s", result.stdout()).isEmpty();
        assertThat(counts).as("provoked warnings, how often; all of them:\n%s", result.stdout()).isEqualTo(expected);
    }

    /** Leaves the shared guest as the next class expects it: no servd, no socket unit, no drop-ins. */
    @AfterAll
    static void purge(Vm vm) throws IOException {
        run(vm, """
                systemctl disable --now servd.socket 2>/dev/null
                grep -qs '%s' /etc/systemd/system/servd.socket && rm -f /etc/systemd/system/servd.socket
                rm -rf %s /usr/sbin/policy-rc.d /tmp/servd-it-load.out /tmp/servd-it-load.stop
                dpkg --purge servd
                systemctl daemon-reload
                systemctl reset-failed servd.service servd.socket 2>/dev/null
                true
                """.formatted(OURS, DROP_INS));
    }

    /** The guest's load client, compiled with these tests (release 17), into the share. */
    private static void shipLoadClient(Vm vm) throws IOException, URISyntaxException {
        Path classes = Path.of(LoopbackLoad.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String relative = LoopbackLoad.class.getName().replace('.', '/') + ".class";
        Path target = vm.share().resolve(GUEST_CLASSES.substring(Vm.GUEST_SHARE.length() + 1)).resolve(relative);
        Files.createDirectories(target.getParent());
        Files.copy(classes.resolve(relative), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
