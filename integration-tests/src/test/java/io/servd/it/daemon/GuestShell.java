package io.servd.it.daemon;

import io.servd.it.GuestResult;
import io.servd.it.Vm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One guest round trip per test step: a POSIX sh script with a few polling functions, because each
 * exec costs 0.3–0.6 s and systemd's view must be sampled inside the guest, not across round trips.
 * Scripts report with {@code key=value} lines, read back by {@link #values}.
 */
public final class GuestShell {

    /** A step's whole script; servd starts take 10–90 s under TCG on a shared host. */
    public static final Duration STEP_TIMEOUT = Duration.ofMinutes(15);

    /**
     * {@code await SECONDS CMD...} runs CMD every half second until it succeeds (status 1 on
     * timeout); the rest are conditions for it. {@code CURSOR} is the journal position at the
     * script's start, so {@code logged TEXT} sees only what this step caused. Always
     * {@code --cursor=}, never {@code --after-cursor=}: journalctl 252 with matches ({@code -u},
     * {@code -p}) and {@code --after-cursor} silently drops the first matching entry (it skips
     * one entry too many once the seek has already moved past the unmatched cursor entry).
     * {@code --cursor=} includes the cursor's own entry, which is qemu-ga's log line for this very
     * script and never matches {@code -u servd.service}.
     */
    private static final String PRELUDE = """
            await() { t=$1; shift; end=$(( $(date +%s) + t )); \
            until "$@"; do [ "$(date +%s)" -ge "$end" ] && return 1; sleep 0.5; done; }
            http() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$1/healthz"; }
            answers() { [ "$(http "$1")" = 200 ]; }
            refused() { [ "$(http "$1")" = 000 ]; }
            active() { [ "$(systemctl is-active servd.service)" = active ]; }
            prop() { systemctl show servd.service -p "$1" --value; }
            replaced() { p=$(prop MainPID); [ "$p" != 0 ] && [ "$p" != "$1" ] && active; }
            status_has() { prop StatusText | grep -q -- "$1"; }
            logged() { journalctl -u servd.service --cursor="$CURSOR" -q --no-pager -o cat | grep -q -- "$1"; }
            now_us() { date +%s%6N; }
            CURSOR=$(journalctl -n 0 --show-cursor -q | sed 's/^-- cursor: //')
            echo "cursor=$CURSOR"
            """;

    /** Where the install below puts its drop-ins (remove it before purging). */
    public static final String DROP_INS = "/etc/systemd/system/servd.service.d";

    private GuestShell() {
    }

    /**
     * Installs the .deb without starting servd (policy-rc.d 101, as Debian's own image builders
     * do), with servd.socket and servd-control.socket disabled, so that servd binds its own sockets
     * and applies {@code [HTTP] Listen=} on reload (as after an operator's {@code systemctl disable
     * --now servd.socket servd-control.socket}; a socket-activated servd does not). Two drop-ins: a
     * TimeoutStartSec= raised to 10 min, because under TCG on a loaded host a JVM start has taken
     * over the default 90 s (and it bounds a notify-reload reload too), and SocketBindAllow= for
     * port 9471, where the reload steps move {@code [HTTP] Listen=}, as the unit's comment on
     * {@code SocketBindAllow=} tells an operator to. Reports {@code dpkg_exit=} and {@code active=}.
     */
    public static GuestResult installWithoutStarting(Vm vm, Path deb) throws IOException {
        return run(vm, """
                # a first install: another class may have left servd installed for the next (InstalledServd)
                dpkg --purge servd >/dev/null 2>&1
                printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
                dpkg -i %1$s; echo dpkg_exit=$?
                rm -f /usr/sbin/policy-rc.d
                systemctl disable servd.socket servd-control.socket
                mkdir -p %2$s
                printf '[Service]\\nTimeoutStartSec=10min\\n' > %2$s/50-it-start-timeout.conf
                printf '[Service]\\nSocketBindAllow=tcp:9471\\n' > %2$s/50-it-listen-9471.conf
                systemctl daemon-reload
                echo active=$(systemctl is-active servd.service)
                """.formatted(vm.put(deb), DROP_INS));
    }

    public static GuestResult run(Vm vm, String script) throws IOException {
        return vm.exec(STEP_TIMEOUT, "sh", "-c", PRELUDE + script);
    }

    /** The {@code key=value} lines of a script's stdout; a repeated key keeps its last value. */
    public static Map<String, String> values(GuestResult result) {
        Map<String, String> values = new LinkedHashMap<>();
        result.stdout().lines().filter(l -> l.matches("[a-z_]+=.*")).forEach(l -> {
            int eq = l.indexOf('=');
            values.put(l.substring(0, eq), l.substring(eq + 1));
        });
        return values;
    }

    /** Every stdout line starting with {@code prefix}, without it. */
    public static List<String> lines(GuestResult result, String prefix) {
        List<String> lines = new ArrayList<>();
        result.stdout().lines().filter(l -> l.startsWith(prefix)).forEach(l -> lines.add(l.substring(prefix.length())));
        return lines;
    }
}
