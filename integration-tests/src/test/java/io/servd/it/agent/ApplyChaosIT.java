package io.servd.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.it.GuestResult;
import io.servd.it.InstalledServd;
import io.servd.it.Vm;
import io.servd.it.VmExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Chaos around a limits apply on real systemd 252 (issue 12 item 7), with the installed .deb: servd
 * {@code kill -9}'d at random points of applies, the drop-in directory's file system full (of blocks, then
 * of inodes), {@code daemon-reload} racing applies. After each, the unit's cgroup files, its drop-ins and
 * systemd's own view of it ({@code systemctl show}) are all the old values or all the new ones, never a
 * mix, and servd comes back by itself.
 *
 * <p>The unit is {@code chaos.service}, a unit file in /etc/systemd/system (not systemd-run: a transient
 * unit's drop-ins live in /run/systemd/transient), so its drop-ins land in /etc/systemd/system.control as
 * {@code systemctl set-property} puts them. Applies go through the control socket with curl (in the image),
 * so the kill can fall anywhere in servd's part of the request; a servctl JVM would take seconds to start
 * under TCG.
 */
@ExtendWith(VmExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApplyChaosIT {

    private static final Duration DPKG_TIMEOUT = Duration.ofMinutes(6);
    /**
     * 10 kills, each followed by a restart of servd (RestartSec=2s plus a JVM start under TCG: 10–20 s) and
     * the next apply, a fresh JVM's first (10–15 s under TCG: class loading, the D-Bus handshake, polkit).
     */
    private static final Duration CHAOS_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(5);
    /**
     * Kills, one in each tenth of the kill window (at a random point of it): stratified, so that ten cover
     * the whole apply, before the request is read to after the answer, where twenty random ones took twice
     * the CI time (about 40 s each under TCG) for the same spread.
     */
    private static final int KILLS = 10;

    /** The two sets the applies alternate between: three directives, three controllers, three drop-ins. */
    static final Map<String, String> A = Map.of("MemoryMax", "64M", "CPUQuota", "50%", "TasksMax", "77");
    static final Map<String, String> B = Map.of("MemoryMax", "96M", "CPUQuota", "30%", "TasksMax", "55");

    /** What each set leaves in the cgroup, the drop-ins and {@code systemctl show}: see the script's {@code state}. */
    static final Map<String, String> STATE_A = Map.of("memory.max", "67108864", "cpu.max", "50000_100000", "pids.max", "77",
            "drop.MemoryMax", "67108864", "drop.CPUQuota", "50%", "drop.TasksMax", "77",
            "show.MemoryMax", "67108864", "show.CPUQuotaPerSecUSec", "500ms", "show.TasksMax", "77");
    static final Map<String, String> STATE_B = Map.of("memory.max", "100663296", "cpu.max", "30000_100000", "pids.max", "55",
            "drop.MemoryMax", "100663296", "drop.CPUQuota", "30%", "drop.TasksMax", "55",
            "show.MemoryMax", "100663296", "show.CPUQuotaPerSecUSec", "300ms", "show.TasksMax", "55");

    /** Shell functions every script starts with: {@code put SET} applies over the control socket, {@code state} prints. */
    private static final String FUNCTIONS = """
            SOCK=/run/servd/control.sock
            D=/etc/systemd/system.control/chaos.service.d
            C=/sys/fs/cgroup/system.slice/chaos.service
            A='%s'
            B='%s'
            # put BODY [OUT]: PUT the limits, print "code time_total"; the answer body goes to OUT
            put() { curl -s --max-time 60 -o "${2:-/dev/null}" -w '%%{http_code} %%{time_total}' --unix-socket $SOCK \\
                      -X PUT -H 'Content-Type: application/json' -d "$1" http://localhost/v1/units/chaos.service/limits; }
            # state: one line of key=value tokens (cgroup files, drop-ins, systemd's view); spaces as _
            state() {
              printf 'memory.max=%%s cpu.max=%%s pids.max=%%s' "$(cat $C/memory.max)" "$(tr ' ' _ < $C/cpu.max)" "$(cat $C/pids.max)"
              for p in MemoryMax CPUQuota TasksMax; do printf ' drop.%%s=%%s' $p "$(sed -n "s/^$p=//p" $D/50-$p.conf 2>/dev/null)"; done
              printf ' '
              systemctl show chaos.service -p MemoryMax -p CPUQuotaPerSecUSec -p TasksMax | sed 's/^/show./' | tr '\\n' ' '
              echo
            }
            TA='%s'
            TB='%s'
            # whole: whether state() is all one set, TA's or TB's tokens
            whole() { s=" $(state) "; for set in "$TA" "$TB"; do ok=1; for t in $set; do case "$s" in *" $t "*) ;; *) ok=0 ;; esac; done
                        [ $ok = 1 ] && return 0; done; return 1; }
            # up [OLDPID]: wait until servd (another process than OLDPID) runs and answers on the control socket
            up() { for n in $(seq 600); do [ "$(systemctl show -p SubState --value servd)" = running ] \\
                     && [ "$(systemctl show -p MainPID --value servd)" != "${1:-none}" ] && curl -sf --max-time 60 --unix-socket $SOCK -o /dev/null http://localhost/healthz && return 0; sleep 0.2; done; return 1; }
            """.formatted(json(A), json(B), tokens(STATE_A), tokens(STATE_B));

    @BeforeAll
    static void installServdAndChaosUnit(Vm vm) throws IOException {
        System.out.println(InstalledServd.ensure(vm, DPKG_TIMEOUT));
        GuestResult setup = script(vm, SCRIPT_TIMEOUT, """
                printf '[Service]\\nExecStart=/bin/sleep infinity\\n' > /etc/systemd/system/chaos.service
                rm -rf $D; systemctl daemon-reload; systemctl restart chaos.service
                up || { echo "servd not up"; exit 1; }
                echo "baseline: $(put "$A")"
                state
                """);
        assertThat(setup.exitCode()).as(setup.describe()).isZero();
        assertThat(parse(setup.stdout().lines().reduce((a, b) -> b).orElseThrow())).as(setup.describe()).isEqualTo(STATE_A);
    }

    @AfterAll
    static void removeChaosUnitAndServd(Vm vm) throws IOException {
        script(vm, SCRIPT_TIMEOUT, """
                mountpoint -q /etc/systemd/system.control && umount /etc/systemd/system.control
                systemctl stop chaos.service; rm -f /etc/systemd/system/chaos.service /root/tiny.img; rm -rf $D
                systemctl daemon-reload
                """);
        // the package stays for the next class (InstalledServd)
    }

    /**
     * {@value #KILLS} applies, each alternating between A and B, each cut by a {@code kill -9} of servd after
     * a delay within 1.5 times a fresh servd's undisturbed first apply, the i-th at a random point of its i-th
     * tenth, so that kills land before the request is
     * read, during the D-Bus calls and after the answer. Each time: the unit is all old or all new, a 200
     * means all new, and servd is back (socket activation keeps the listeners while it restarts).
     */
    @Test
    @Order(1)
    void killedMidApplyLeavesTheUnitAllOldOrAllNew(Vm vm) throws IOException {
        GuestResult run = script(vm, CHAOS_TIMEOUT, """
                # every kill is followed by a fresh JVM, whose first apply is the slow one: time that
                pid=$(systemctl show -p MainPID --value servd); kill -9 "$pid"; up "$pid" || exit 1
                t=$(put "$A" | cut -d' ' -f2)
                window=$(awk -v t="$t" 'BEGIN { w = int(t * 1500); print (w < 100 ? 100 : w) }')
                echo "undisturbed first apply of a fresh servd: ${t}s, kill window ${window}ms"
                cur=A
                for i in $(seq %1$d); do
                  if [ $cur = A ]; then body="$B"; next=B; else body="$A"; next=A; fi
                  pid=$(systemctl show -p MainPID --value servd)
                  # stratified: kill i falls at a random point of the window's i-th tenth
                  slot=$(( window / %1$d )); [ $slot -gt 0 ] || slot=1
                  delay=$(( (i - 1) * window / %1$d + $(od -An -N2 -tu2 /dev/urandom) %% slot ))
                  put "$body" > /tmp/chaos.code &
                  sleep $(printf '%%d.%%03d' $((delay / 1000)) $((delay %% 1000)))
                  [ "$pid" -gt 1 ] && kill -9 "$pid"
                  wait
                  up "$pid" || { echo "iteration $i: servd did not come back"; exit 1; }
                  s=$(state)
                  echo "iter=$i from=$cur to=$next delay=$delay code=$(cut -d' ' -f1 /tmp/chaos.code) $s"
                  case "$s" in *drop.TasksMax=77*) cur=A ;; *drop.TasksMax=55*) cur=B ;; esac
                done
                echo "==restarts $(systemctl show -p NRestarts --value servd)"
                echo "==errors"; journalctl -b -t servd -p err --no-pager -q -o cat --since "@$START"
                """.formatted(KILLS));
        System.out.println(run.stdout());
        assertThat(run.exitCode()).as(run.describe()).isZero();

        List<String> iterations = run.stdout().lines().filter(l -> l.startsWith("iter=")).toList();
        assertThat(iterations).as(run.describe()).hasSize(KILLS);
        Map<String, Integer> outcomes = new TreeMap<>();
        for (String line : iterations) {
            Map<String, String> it = parse(line);
            Map<String, String> from = it.get("from").equals("A") ? STATE_A : STATE_B;
            Map<String, String> to = it.get("to").equals("A") ? STATE_A : STATE_B;
            Map<String, String> state = new TreeMap<>(it);
            state.keySet().removeAll(List.of("iter", "from", "to", "delay", "code"));
            assertThat(state).as("all old or all new after [%s]", line).isIn(from, to);
            if (it.get("code").equals("200")) {
                assertThat(state).as("answered 200, so all new: [%s]", line).isEqualTo(to);
            }
            outcomes.merge((it.get("code").equals("200") ? "answered" : "cut") + "/" + (state.equals(to) ? "new" : "old"), 1,
                    Integer::sum);
        }
        System.out.println("kill -9 outcomes: " + outcomes);
        assertThat(outcomes.keySet()).as("kills landed before and after systemd took the change: %s", outcomes)
                .anyMatch(k -> k.endsWith("/old")).anyMatch(k -> k.endsWith("/new"));
        String restarts = section(run.stdout(), "restarts");
        assertThat(Integer.parseInt(restarts)).as("NRestarts").isGreaterThanOrEqualTo(KILLS);
        assertThat(section(run.stdout(), "errors")).as("servd's own errors since the class started").isEmpty();
    }

    /**
     * Applies alternating A/B while {@code daemon-reload} runs in a loop: each apply is all or nothing, a 200
     * is all new, a refusal all old, and a 504 (systemd, busy reloading, did not answer within servd's 25 s)
     * one or the other once systemd got to the call: the state is read in three places one after another,
     * and systemd may carry the call out between two of them (seen: cgroup old, drop-ins and show new). What
     * was live is what a last reload reads from disk.
     */
    @Test
    @Order(2)
    void daemonReloadRacingAnApplyLeavesNoHalf(Vm vm) throws IOException {
        GuestResult run = script(vm, SCRIPT_TIMEOUT, """
                put "$A" >/dev/null; cur=A
                touch /tmp/reloading
                ( n=0; while [ -e /tmp/reloading ]; do systemctl daemon-reload; n=$((n+1)); done; echo $n > /tmp/reloads ) &
                for i in $(seq 6); do
                  if [ $cur = A ]; then body="$B"; next=B; else body="$A"; next=A; fi
                  code=$(put "$body" | cut -d' ' -f1)
                  # a 504 may still land: systemd carries the call out when it gets to it, while state() reads
                  n=0; if [ "$code" = 504 ]; then while ! whole && [ $n -lt 60 ]; do sleep 0.5; n=$((n+1)); done; fi
                  echo "iter=$i from=$cur to=$next code=$code waited=$n $(state)"
                  case "$(state)" in *drop.TasksMax=77*) cur=A ;; *drop.TasksMax=55*) cur=B ;; esac
                done
                rm /tmp/reloading; wait
                echo "==reloads $(cat /tmp/reloads)"
                systemctl daemon-reload
                echo "==after $(state)"
                echo "==cur $cur"
                """);
        System.out.println(run.stdout());
        assertThat(run.exitCode()).as(run.describe()).isZero();
        List<String> iterations = run.stdout().lines().filter(l -> l.startsWith("iter=")).toList();
        assertThat(iterations).hasSize(6);
        for (String line : iterations) {
            Map<String, String> it = parse(line);
            Map<String, String> state = new TreeMap<>(it);
            state.keySet().removeAll(List.of("iter", "from", "to", "code", "waited"));
            switch (it.get("code")) {
                case "200" -> assertThat(state).as("answered 200: all new [%s]", line).isEqualTo(set(it.get("to")));
                // systemd did not answer within servd's wait (reloads in its way): it may still do it, so
                // the script waited (up to 30 s) for the state to be whole again
                case "504" -> assertThat(state).as("504, then settled: all old or all new [%s]", line).isIn(set(it.get("from")), set(it.get("to")));
                default -> assertThat(state).as("refused: all old [%s]", line).isEqualTo(set(it.get("from")));
            }
        }
        assertThat(Integer.parseInt(section(run.stdout(), "reloads"))).as("reloads that raced the applies").isPositive();
        assertThat(parse(section(run.stdout(), "after"))).as("after a last daemon-reload: what is on disk is what was live")
                .isEqualTo(set(section(run.stdout(), "cur")));
    }

    /**
     * The drop-in directory on a tiny file system: full of blocks, servd refuses before calling systemd
     * (systemd itself answers success there and keeps the values only live, seen with {@code systemctl
     * set-property}); full of inodes but with free blocks, systemd again fails to write
     * and servd sets the old values back. Either way 507, and the unit stays all A, also after a reload.
     */
    @Test
    @Order(3)
    void aFullFileSystemRefusesTheApplyAndChangesNothing(Vm vm) throws IOException {
        GuestResult run = script(vm, SCRIPT_TIMEOUT, """
                put "$A" >/dev/null
                mkdir -p /root/keep && cp -a $D /root/keep/
                truncate -s 1M /root/tiny.img && mkfs.ext4 -q -F -N 64 -m 0 /root/tiny.img
                mount -o loop /root/tiny.img /etc/systemd/system.control
                cp -a /root/keep/chaos.service.d /etc/systemd/system.control/
                dd if=/dev/zero of=/etc/systemd/system.control/fill bs=1k 2>/dev/null; sync
                echo "==blocks $(df --output=avail,iavail /etc/systemd/system.control | tail -1)"
                echo "==blocks.code $(put "$B" /tmp/blocks.json | cut -d' ' -f1)"
                echo "==blocks.body"; cat /tmp/blocks.json; echo
                echo "==blocks.state $(state)"
                rm /etc/systemd/system.control/fill
                i=0; while touch /etc/systemd/system.control/i$i 2>/dev/null; do i=$((i+1)); done
                echo "==inodes $(df --output=avail,iavail /etc/systemd/system.control | tail -1)"
                echo "==inodes.code $(put "$B" /tmp/inodes.json | cut -d' ' -f1)"
                echo "==inodes.body"; cat /tmp/inodes.json; echo
                echo "==inodes.state $(state)"
                systemctl daemon-reload
                echo "==reloaded $(state)"
                umount /etc/systemd/system.control && systemctl daemon-reload
                echo "==end"
                """);
        System.out.println(run.stdout());
        assertThat(run.exitCode()).as(run.describe()).isZero();
        Map<String, String> s = sections(run.stdout());
        assertThat(s.get("blocks.code")).as(s.get("blocks.body")).isEqualTo("507");
        assertThat(s.get("blocks.body")).contains("\"error\":\"no space for drop-ins\"")
                .contains("/etc/systemd/system.control/chaos.service.d").contains("nothing changed");
        assertThat(parse(s.get("blocks.state"))).as("out of blocks: all A").isEqualTo(STATE_A);
        assertThat(s.get("inodes.code")).as(s.get("inodes.body")).isEqualTo("507");
        assertThat(s.get("inodes.body")).contains("\"error\":\"drop-ins not written\"").contains("nothing changed");
        assertThat(parse(s.get("inodes.state"))).as("out of inodes: all A").isEqualTo(STATE_A);
        assertThat(parse(s.get("reloaded"))).as("and after daemon-reload").isEqualTo(STATE_A);
    }

    private static Map<String, String> set(String name) {
        return name.equals("A") ? STATE_A : STATE_B;
    }

    /** {@code key=value} tokens of a line; a token without {@code =} is ignored. */
    static Map<String, String> parse(String line) {
        Map<String, String> map = new TreeMap<>();
        for (String token : line.trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                map.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        return map;
    }

    /** The rest of the line after {@code ==name }, or the lines up to the next {@code ==} line. */
    private static String section(String out, String name) {
        Map<String, String> s = sections(out);
        return s.getOrDefault(name, "").strip();
    }

    /** Sections of lines {@code ==name rest}: the rest of the line plus the following lines up to the next {@code ==}. */
    static Map<String, String> sections(String out) {
        Map<String, String> map = new LinkedHashMap<>();
        String key = null;
        List<String> lines = new ArrayList<>();
        for (String line : out.split("\n", -1)) {
            if (line.startsWith("==")) {
                if (key != null) {
                    map.put(key, String.join("\n", lines).strip());
                }
                int space = line.indexOf(' ');
                key = space < 0 ? line.substring(2) : line.substring(2, space);
                lines.clear();
                if (space >= 0) {
                    lines.add(line.substring(space + 1));
                }
            } else if (key != null) {
                lines.add(line);
            }
        }
        if (key != null) {
            map.put(key, String.join("\n", lines).strip());
        }
        return map;
    }

    /** {@code set} as the script's {@code state} prints it: {@code key=value} tokens, space-separated. */
    private static String tokens(Map<String, String> set) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(set).forEach((k, v) -> b.append(b.length() > 0 ? " " : "").append(k).append('=').append(v));
        return b.toString();
    }

    private static String json(Map<String, String> set) {
        StringBuilder b = new StringBuilder("{");
        new TreeMap<>(set).forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append('"').append(k).append("\":\"").append(v).append('"'));
        return b.append('}').toString();
    }

    /** Runs {@link #FUNCTIONS} then {@code body}; {@code $START} is the guest's clock when the script started (epoch s). */
    private static GuestResult script(Vm vm, Duration timeout, String body) throws IOException {
        return vm.exec(timeout, "sh", "-c", "START=$(date +%s)\n" + FUNCTIONS + body);
    }
}
