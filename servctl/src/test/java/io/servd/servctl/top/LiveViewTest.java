package io.servd.servctl.top;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.servctl.cli.ExitCodes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live view's loop with scripted keys on a fake terminal: a key takes a millisecond to type, and
 * {@link #WAIT} lets the whole timeout pass on the test's clock. No real terminal, no sleeping.
 */
class LiveViewTest {

    static final long MS = 1_000_000L;
    /** In a script: no key until the timeout. */
    static final int WAIT = Integer.MIN_VALUE;

    @TempDir
    Path tmp;

    AtomicLong clock = new AtomicLong(1_000 * MS);
    long start;
    Path root;

    record Draw(List<String> lines, String status, long atMillis) {
        String header() {
            return lines.get(2);
        }

        List<String> groups() {
            return lines.stream().skip(3).map(l -> l.split(" +")[0]).toList();
        }
    }

    /** Plays a script of keys; after its end, end of input (which quits). */
    final class Script implements LiveView.Keys, LiveView.Screen {
        final Deque<Integer> keys = new ArrayDeque<>();
        final List<Draw> draws = new ArrayList<>();

        Script(int... script) {
            for (int k : script) {
                keys.add(k);
            }
        }

        @Override
        public int read(long timeoutMillis) {
            Integer k = keys.poll();
            if (k == null) {
                return TopKeys.EOF;
            }
            if (k == WAIT) {
                clock.addAndGet(timeoutMillis * MS);
                return TIMEOUT;
            }
            clock.addAndGet(MS);
            return k;
        }

        @Override
        public int columns() {
            return 160;
        }

        @Override
        public int rows() {
            return 40;
        }

        @Override
        public void draw(List<String> lines, String status) {
            draws.add(new Draw(List.copyOf(lines), status, (clock.get() - start) / MS));
        }
    }

    @BeforeEach
    void tree() throws IOException {
        root = Fixtures.copy("debian12-systemd252", tmp);
        start = clock.get();
    }

    int run(Script script, TopView view, long iterations) throws IOException {
        TopReader reader = Fixtures.reader(root, tmp.resolve("proc"), clock, "/", 3);
        return new LiveView(reader, view, iterations, script, script, clock::get).run();
    }

    @Test
    void firstScreenAfterAQuarterSecondThenEveryDelayUntilTheCount() throws IOException {
        Script s = new Script(WAIT, WAIT, WAIT, WAIT);
        assertThat(run(s, TopView.defaults(), 3)).isEqualTo(ExitCodes.OK);
        assertThat(s.draws).extracting(Draw::atMillis).containsExactly(250L, 1250L, 2250L);
        assertThat(s.draws.get(0).status()).isEqualTo(LiveView.FOOTER);
        assertThat(s.keys).hasSize(1); // stopped after three refreshes, without waiting for a key
    }

    @Test
    void orderKeysResortTheScreenAtOnceWithoutReading() throws IOException {
        Script s = new Script(WAIT, 'p', 'm', 'q');
        run(s, TopView.defaults(), 0);
        assertThat(s.draws).hasSize(3);
        assertThat(s.draws.get(1).lines().get(0)).contains("order path");
        assertThat(s.draws.get(1).groups()).containsExactly("/", "/system.slice", "/system.slice/foo.service");
        assertThat(s.draws.get(2).lines().get(0)).contains("order memory");
        // same interval: the rows were re-sorted, not read again
        assertThat(s.draws.get(2).lines().get(0)).endsWith("interval 0.3s");
    }

    @Test
    void percentShowsCpuTime() throws IOException {
        Script s = new Script(WAIT, '%', 'q');
        run(s, TopView.defaults(), 0);
        assertThat(s.draws.get(0).header()).contains("%CPU").doesNotContain("CPU Time");
        assertThat(s.draws.get(1).header()).contains("CPU Time");
        assertThat(s.draws.get(1).lines()).anyMatch(l -> l.matches("/system\\.slice/foo\\.service +1 +100 +8\\.400643s .*"));
    }

    @Test
    void spaceRefreshesBeforeTheDelay() throws IOException {
        Script s = new Script(WAIT, ' ', 'q');
        run(s, TopView.defaults(), 0);
        assertThat(s.draws).extracting(Draw::atMillis).containsExactly(250L, 251L);
    }

    @Test
    void plusAndMinusChangeTheWaitUnderWayAndSaySo() throws IOException {
        Script s = new Script(WAIT, '+', WAIT, '-', '-', WAIT, 'q');
        run(s, TopView.defaults(), 0);
        // refresh at 250; + at 251 makes the delay 2 s (a second more from 1 s), so the next refresh is at 2250
        assertThat(s.draws.get(1).status()).isEqualTo("Increased delay to 2s.");
        assertThat(s.draws.get(2).atMillis()).isEqualTo(2250L);
        assertThat(s.draws.get(2).status()).isEqualTo("Increased delay to 2s.");
        // - twice: a second less from 2 s, then 250 ms less below 1.25 s
        assertThat(s.draws.get(3).status()).isEqualTo("Decreased delay to 1s.");
        assertThat(s.draws.get(4).status()).isEqualTo("Decreased delay to 750ms.");
        assertThat(s.draws.get(5).atMillis()).isEqualTo(3000L);
        assertThat(s.draws.get(5).status()).isEqualTo("Decreased delay to 750ms.");
        assertThat(s.draws.get(6 - 1).lines().get(0)).endsWith("interval 0.8s");
    }

    @Test
    void aDelayOfCenturiesWaitsForKeys() throws IOException {
        // -d 250y is a valid time span: its deadline, as System.nanoTime() plus the delay, could overflow
        Script s = new Script(WAIT, '+', ' ', 'q');
        clock.set(Long.MAX_VALUE / 2);
        start = clock.get();
        run(s, TopView.defaults().withDelay(Duration.ofSeconds(250 * 31_557_600L)), 0);
        assertThat(s.draws).extracting(Draw::atMillis).containsExactly(250L, 251L, 252L);
        assertThat(s.draws.get(1).status()).isEqualTo("Increased delay to 250y 1s.");
    }

    @Test
    void kCountsAllProcessesAtOnce() throws IOException {
        Script s = new Script(WAIT, 'k', 'q');
        run(s, TopView.defaults(), 0);
        assertThat(s.draws.get(0).header()).contains("Tasks");
        assertThat(s.draws.get(1).header()).contains("Proc+");
        assertThat(s.draws.get(1).status()).isEqualTo("Counting: all processes (incl. kernel).");
        assertThat(s.draws.get(1).atMillis()).isEqualTo(251L);
    }

    @Test
    void messagesOfRefusedAndUnknownKeysShowInTheStatusLine() throws IOException {
        Script s = new Script(WAIT, 'r', 'x', WAIT, 'q');
        run(s, TopView.defaults(), 0);
        assertThat(s.draws.get(1).status())
                .isEqualTo("Cannot toggle recursive counting, not available in task counting mode.");
        assertThat(s.draws.get(2).status()).isEqualTo("Unknown key 'x'. Ignoring.");
        // shown until the next refresh, then the footer is back
        assertThat(s.draws.get(3).status()).isEqualTo("Unknown key 'x'. Ignoring.");
        assertThat(s.draws).hasSize(4);
    }

    @Test
    void dOpensTheFirstUnitsProcessesAndQGoesBack() throws IOException {
        java.nio.file.Files.writeString(root.resolve("system.slice/foo.service/cgroup.procs"), "77\n");
        Path pid = java.nio.file.Files.createDirectories(tmp.resolve("proc/77"));
        java.nio.file.Files.writeString(pid.resolve("stat"), "77 (java) S 1 77 77 0 -1 4194560 9000 0 0 0 10 5 0 0\n");
        java.nio.file.Files.writeString(pid.resolve("status"), "Name:\tjava\nVmRSS:\t  1024 kB\n");
        Script s = new Script(WAIT, 'd', WAIT, 'q', TopKeys.ESC, WAIT, '\r', WAIT, TopKeys.ESC, 'q');
        assertThat(run(s, TopView.defaults(), 0)).isEqualTo(ExitCodes.OK);
        // the cgroups at 250; d at 251 reads the processes, which show a quarter second later
        assertThat(s.draws.get(1).atMillis()).isEqualTo(501L);
        assertThat(s.draws.get(1).lines().get(0)).startsWith("processes of /system.slice/foo.service | 1 processes");
        assertThat(s.draws.get(1).lines().get(2)).matches(" +77 +0\\.0 +1\\.0M +java");
        assertThat(s.draws.get(1).status()).isEqualTo(LiveView.PROCESSES_FOOTER);
        // q leaves the drill-down without quitting; Esc on the cgroups is an unknown key
        assertThat(s.draws.get(2).groups()).contains("/system.slice/foo.service");
        assertThat(s.draws.get(3).status()).isEqualTo("Unknown key '\\x1b'. Ignoring.");
        // Enter opens it too, and Esc goes back
        assertThat(s.draws).anyMatch(d -> d.atMillis() > 1000 && d.lines().get(0).startsWith("processes of"));
        assertThat(s.draws.get(s.draws.size() - 1).lines().get(0)).contains("cgroups |");
    }

    @Test
    void qBeforeTheFirstScreenQuitsWithoutDrawing() throws IOException {
        Script s = new Script('q');
        assertThat(run(s, TopView.defaults(), 0)).isEqualTo(ExitCodes.OK);
        assertThat(s.draws).isEmpty();
    }
}
