package io.servd.servctl.top;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupMounts;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;
import io.servd.servctl.cli.Json;
import io.servd.testsupport.NearMiss;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drill-down on the captured debian12 tree with {@code cgroup.procs} and {@code /proc} added:
 * foo.service holds a daemon (77) and a child cgroup {@code worker} with a process whose comm has
 * {@code ") ("} in it (88), a kernel thread without VmRSS (300), and a pid that has exited (99, listed
 * but without {@code /proc/99}). The stat lines are this host's {@code /proc/PID/stat} with pid, comm
 * and the times changed.
 */
class UnitProcessesTest {

    static final long MS = 1_000_000L;
    static final String FOO = "/system.slice/foo.service";

    @TempDir
    Path tmp;

    AtomicLong clock = new AtomicLong(1_000 * MS);
    Path proc;
    Path root;
    UnitProcesses processes;

    @BeforeEach
    void tree() throws IOException {
        root = Fixtures.copy("debian12-systemd252", tmp);
        Path foo = root.resolve("system.slice/foo.service");
        Files.writeString(foo.resolve("cgroup.procs"), "77\n99\n300\n");
        Files.writeString(Files.createDirectories(foo.resolve("worker")).resolve("cgroup.procs"), "88\n");
        proc = tmp.resolve("proc");
        process(77, "java", 100, 50, "VmRSS:\t  204800 kB\n");
        process(88, "a) (b", 10, 0, "VmRSS:\t    2028 kB\n");
        process(300, "kworker/0:1", 0, 7, "");
        processes = new UnitProcesses(CgroupMounts.detect(new CgroupRoot(root)), new ProcFs(proc), clock::get);
    }

    void process(long pid, String comm, long utime, long stime, String rss) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("stat"), pid + " (" + comm + ") R 10351 10351 5337 0 -1 4194304 100 0 0 0 "
                + utime + " " + stime + " 0 0 20 0 1 0 510023 3133440 393 18446744073709551615 0 0 0 0\n");
        Files.writeString(dir.resolve("status"), "Name:\t" + comm + "\nState:\tR (running)\n" + rss + "Threads:\t1\n");
    }

    @Test
    void readsTheSubtreeSkippingAVanishedPid() throws IOException {
        UnitProcesses.Reading r = processes.read(FOO);
        assertThat(r.processes()).containsOnlyKeys(77L, 88L, 300L);
        assertThat(r.processes().get(88L).command()).isEqualTo("a) (b");
        assertThat(r.processes().get(88L).cpuTicks()).isEqualTo(10);
        assertThat(r.processes().get(300L).rss()).isEmpty(); // a kernel thread has no VmRSS
        assertThat(r.processes().get(77L).rss()).contains(new ByteSize(204800L * 1024));
    }

    @Test
    void cpuPercentIsTheTicksOverTheIntervalSortedByCpuThenRss() throws IOException {
        UnitProcesses.Reading a = processes.read(FOO);
        clock.addAndGet(2_000 * MS);
        process(77, "java", 150, 50, "VmRSS:\t  204800 kB\n"); // +50 ticks = 0.5 s in 2 s: 25%
        process(88, "a) (b", 110, 0, "VmRSS:\t    2028 kB\n"); // +100 ticks = 1 s in 2 s: 50%
        process(301, "new", 5, 0, "VmRSS:\t    1 kB\n"); // not in the first reading: no rate
        Files.writeString(root.resolve("system.slice/foo.service/cgroup.procs"), "77\n300\n301\n");
        List<UnitProcesses.Row> rows = UnitProcesses.between(a, processes.read(FOO));
        assertThat(rows).extracting(UnitProcesses.Row::pid).containsExactly(88L, 77L, 300L, 301L);
        assertThat(rows.get(0).cpuPercent().getAsDouble()).isEqualTo(50.0);
        assertThat(rows.get(1).cpuPercent().getAsDouble()).isEqualTo(25.0);
        assertThat(rows.get(2).cpuPercent().getAsDouble()).isEqualTo(0.0);
        assertThat(rows.get(3).cpuPercent()).isEmpty();
    }

    @Test
    void aCgroupInNoHierarchyHasNoProcesses() throws IOException {
        assertThat(processes.read("/nowhere.slice").processes()).isEmpty();
    }

    @Test
    void batchPrintsTheTableAndJson() throws Exception {
        StringWriter text = new StringWriter();
        TopCommand.runProcesses(processes, FOO, TopView.defaults(), 1, new PrintWriter(text), false,
                ms -> clock.addAndGet(ms * MS));
        assertThat(text.toString()).startsWith("processes of " + FOO + " | 3 processes | interval 1.0s\n"
                + "     PID   %CPU       RSS  Command\n")
                .contains("      77    0.0    200.0M  java\n", "      88    0.0      2.0M  a) (b\n",
                        "     300    0.0         -  kworker/0:1\n");
        StringWriter json = new StringWriter();
        TopCommand.runProcesses(processes, FOO, TopView.defaults(), 1, new PrintWriter(json), true,
                ms -> clock.addAndGet(ms * MS));
        assertThat(Json.parse(json.toString()).path("processes").get(2).toString())
                .isEqualTo("{\"pid\":300,\"command\":\"kworker/0:1\",\"cpuPercent\":0.0}");
    }

    @Test
    void malformedStatAndStatusNameTheValueAndTheFile() throws MalformedProcFileException {
        Path file = Path.of("/proc/5/stat");
        assertThatThrownBy(() -> UnitProcesses.parseStat("5 (x) R 1 2", file))
                .isInstanceOf(MalformedProcFileException.class).hasMessageContaining("[5 (x) R 1 2]")
                .hasMessageContaining("[/proc/5/stat]");
        assertThatThrownBy(() -> UnitProcesses.parseStat("5 x R", file)).isInstanceOf(MalformedProcFileException.class);
        assertThatThrownBy(() -> UnitProcesses.parseRss("VmRSS:\t12 MB\n", file))
                .isInstanceOf(MalformedProcFileException.class).hasMessageContaining("[VmRSS:\t12 MB]");
        assertThat(UnitProcesses.parseRss("Name:\tkthreadd\n", file)).isEqualTo(Optional.empty());
    }

    static final String STAT = "10353 (cat) R 10351 10351 5337 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 1 0 510023"
            + " 3133440 393 18446744073709551615 94698775883776 94698775903657 140731479183920 0 0 0 0 0 0 0 0 0 17"
            + " 0 0 0 0 0 0 94698775919664 94698775921280 94699830689792 140731479186146 140731479186166"
            + " 140731479186166 140731479187435 0\n";
    static final String STATUS = "Name:\tcat\nUmask:\t0022\nState:\tR (running)\nVmRSS:\t    2028 kB\nThreads:\t1\n";

    @Property
    void nearMissStatParsesOrIsRefused(@ForAll("stats") String text) {
        try {
            UnitProcesses.Stat s = UnitProcesses.parseStat(text, Path.of("stat"));
            assertThat(s.cpuTicks()).isNotNegative();
        } catch (MalformedProcFileException e) {
            assertThat(e).hasMessageContaining("[stat]");
        }
    }

    @Property
    void nearMissStatusParsesOrIsRefused(@ForAll("statuses") String text) {
        try {
            UnitProcesses.parseRss(text, Path.of("status"));
        } catch (MalformedProcFileException e) {
            assertThat(e).hasMessageContaining("[status]");
        }
    }

    @Provide
    Arbitrary<String> stats() {
        return NearMiss.of(STAT, "1 (a) (b)) S 0 1 1 0 -1 4194560 0 0 0 0 3 4 0 0");
    }

    @Provide
    Arbitrary<String> statuses() {
        return NearMiss.ofTextOrLine(STATUS);
    }
}
