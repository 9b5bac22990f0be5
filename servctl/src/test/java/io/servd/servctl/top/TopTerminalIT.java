package io.servd.servctl.top;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives {@code servctl top} in a real terminal: a detached tmux session of 160x40 runs it on a captured
 * tree, {@code capture-pane} reads the screen, {@code send-keys} types. Skipped when tmux is not installed.
 * Uses its own tmux server ({@code -L}), so no user session is touched, and kills only that server.
 */
class TopTerminalIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private final String server = "servd-top-it-" + ProcessHandle.current().pid();

    @BeforeEach
    void requireTmux() {
        assumeTrue(onPath("tmux"), "tmux is not installed");
    }

    @AfterEach
    void killOurServer() throws Exception {
        if (!onPath("tmux")) {
            return; // skipped: nothing started (running tmux would fail the skip)
        }
        tmux("kill-server");
    }

    @Test
    void rendersResortsOnKeysAndQuitsOnQ() throws Exception {
        Path root = Fixtures.copy("debian12-systemd252", tmp);
        // --no-agent: no agent runs here, and its one-line notice would take the keys line the test reads
        // (TopStatesTest covers the State column and the notice); the drill-down reads the real /proc: this test's JVM stands in for the service's process
        long self = ProcessHandle.current().pid();
        Files.writeString(root.resolve("system.slice/foo.service/cgroup.procs"), self + "\n");
        Path exit = tmp.resolve("exit-code");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' "
                + "io.servd.servctl.ServctlMain top --no-agent --delay 500ms --cgroup-root '" + root + "'; echo $? > '" + exit
                + "'; sleep 60";
        assertThat(tmux("new-session", "-d", "-x", "160", "-y", "40", command)).isZero();

        String screen = await(s -> s.contains("/system.slice/foo.service") && s.contains("order cpu"));
        assertThat(screen).contains("unified: cgroup2 [cpuset, cpu, io, memory, hugetlb, pids, rdma, misc]")
                .contains("Control Group", "TasksMax", "%CPU", "MemHigh", "MemMax", "Quota", "Thr%", "PSI10", "OOM", "Swap", "SwapMax")
                .containsPattern("/system.slice/foo.service +1 +100 +0.0 +180.0K +max +64.0M +0.3 +50%")
                .contains("keys: p path  t tasks  c cpu  m memory");

        tmux("send-keys", "m");
        screen = await(s -> s.contains("order memory"));
        List<String> rows = screen.lines().filter(l -> l.startsWith("/")).toList();
        // as cgtop: the root before its children, then /system.slice with 39.4M, the most memory
        assertThat(rows.get(0)).startsWith("/ ");
        assertThat(rows.get(1)).startsWith("/system.slice ");

        tmux("send-keys", "%");
        screen = await(s -> s.contains("CPU Time"));
        assertThat(screen).containsPattern("/system.slice/foo.service +1 +100 +8\\.400643s ");

        // d opens the first unit's processes (the first row without a cgroup below it); q goes back
        tmux("send-keys", "d");
        screen = await(s -> s.contains("processes of /system.slice/foo.service"));
        assertThat(screen).contains("PID", "%CPU", "RSS", "Command", "keys: q Esc d back")
                .containsPattern(" " + self + " +[0-9.]+ +[0-9.]+[KMG] +java");
        tmux("send-keys", "q");
        screen = await(s -> s.contains("Control Group"));
        assertThat(screen).doesNotContain("processes of");

        tmux("send-keys", "q");
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!Files.exists(exit) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(exit).exists();
        assertThat(Files.readString(exit).strip()).isEqualTo("0");
        // the alternate screen is left: the shell's screen is back, without the table
        assertThat(capture()).doesNotContain("Control Group");
    }

    private String await(Predicate<String> ready) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = capture();
            if (ready.test(screen)) {
                return screen;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("servctl top did not render within " + PATIENCE + "; screen:\n" + screen);
    }

    private String capture() throws Exception {
        Path out = tmp.resolve("pane.txt");
        tmux(out, "capture-pane", "-p");
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private int tmux(String... args) throws Exception {
        return tmux(null, args);
    }

    private int tmux(Path stdout, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", server));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("TMUX");
        pb.redirectOutput(stdout != null ? ProcessBuilder.Redirect.to(stdout.toFile()) : ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("tmux " + String.join(" ", args) + " did not finish in 10 s");
        }
        return p.exitValue();
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
