package io.servd.agent;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.servd.testsupport.FixtureTree;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The packaged {@code servd.jar} as a separate process in network and mount namespaces of its own
 * ({@code unshare --net --mount}, which needs root): loopback is its only interface, so nothing it
 * or a browser joining it ({@link Chromium}) does can reach another host, and a fixture tree is
 * bind-mounted over {@code /sys/fs/cgroup} in its namespace only (unshare makes the mounts private),
 * so servd reads the fixture where it reads cgroupfs on a host, with no flag of its own for tests.
 * Files the test changes in the tree are what servd reads next.
 */
final class IsolatedServd implements AutoCloseable {
    /** Where servd listens inside its namespace: every port there is free. */
    static final String ADDRESS = "127.0.0.1:9470";
    private static final Path JAR = Path.of("target", "servd.jar");

    private final Process process;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    private IsolatedServd(Process process) {
        this.process = process;
    }

    /**
     * Starts servd on {@code cgroupTree}, its output copied to {@code log}, and waits for its ready line.
     * It records history every second into {@code history/} beside {@code log} (emptied first).
     * Skips (fails under {@code CI=true}) when namespaces cannot be made here: not root, no unshare.
     */
    static IsolatedServd start(Path cgroupTree, Path log) throws Exception {
        requireNamespaces();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // history recorded every second next to the log, so the unit page has some to plot
        Path config = log.resolveSibling("servd.conf");
        Path history = log.resolveSibling("history");
        if (Files.isDirectory(history)) {
            FixtureTree.delete(history);
        }
        Files.writeString(config, "[History]\nIntervalSec=1s\nDirectory=" + history.toAbsolutePath() + "\n");
        // sh -c: $1 tree, $2 java, $3 jar, $4 config, $5 address
        String script = "PATH=$PATH:/usr/sbin:/sbin; ip link set lo up && mount --bind \"$1\" /sys/fs/cgroup"
                + " && exec \"$2\" -jar \"$3\" --config \"$4\" --listen \"$5\"";
        Process p = new ProcessBuilder(List.of("unshare", "--net", "--mount", "--", "sh", "-c", script, "sh",
                cgroupTree.toAbsolutePath().toString(), java, JAR.toAbsolutePath().toString(),
                config.toAbsolutePath().toString(), ADDRESS))
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        var servd = new IsolatedServd(p);
        servd.copyOutput(log);
        try {
            servd.ready.get(90, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            servd.close();
            throw new AssertionError("servd did not get ready in 90 s; its output is in [" + log + "]");
        }
        return servd;
    }

    /** The pid whose namespaces a browser joins ({@code nsenter --target}): servd's JVM, exec'd by sh. */
    long pid() {
        return process.pid();
    }

    /** A URL of servd's HTTP listener, as seen inside its namespace. */
    static String url(String path) {
        return "http://" + ADDRESS + path;
    }

    private void copyOutput(Path log) throws IOException {
        Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
        Thread copier = new Thread(() -> {
            try (out; var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.write(line);
                    out.write('\n');
                    out.flush();
                    if (line.contains("ready: serving on http://" + ADDRESS)) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new AssertionError("servd exited before it was ready; its output is in [" + log + "]"));
        }, "servd-output");
        copier.setDaemon(true);
        copier.start();
    }

    private static void requireNamespaces() throws Exception {
        Process probe = new ProcessBuilder("unshare", "--net", "--mount", "--", "true").redirectErrorStream(true).start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "new network and mount namespaces (unshare --net --mount, as root) are not available here: " + out.strip());
    }

    /** SIGTERM, and waits for servd to exit: its namespaces go with it. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
