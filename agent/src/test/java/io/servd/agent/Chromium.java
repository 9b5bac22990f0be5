package io.servd.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium, run in the network namespace of an {@link IsolatedServd} ({@code nsenter
 * --net}): loopback only, and every flag that keeps it from reaching anything on its own (no
 * component updates, sync, background networking; any name but 127.0.0.1 resolves to nothing).
 * {@code integration-tests/vm/prereqs.sh host} installs it; when it is missing the test skips
 * (under {@code CI=true}, fails).
 *
 * <p>Pages run on virtual time ({@code --virtual-time-budget}): timers fire as fast as the page lets
 * them while no request is in flight, so a page polling every 2 s polls about four times in a budget
 * of 8 s, in well under a second of real time, and the DOM is dumped when the budget is spent.
 */
final class Chromium {
    static final Path BINARY = Path.of("/usr/bin/chromium");

    private final long namespacePid;
    private final Path profile;
    private final Path log;

    /** Chromium joining the network namespace of {@code namespacePid}, its profile and log under {@code dir}. */
    Chromium(long namespacePid, Path dir) {
        assumeTrue(Files.isExecutable(BINARY), "chromium is not installed at [" + BINARY
                + "] (integration-tests/vm/prereqs.sh host installs it: apt-get install chromium)");
        this.namespacePid = namespacePid;
        this.profile = dir.resolve("chromium-profile").toAbsolutePath();
        this.log = dir.resolve("chromium.log").toAbsolutePath();
    }

    /** The DOM of {@code url} after {@code budget} of virtual time in a window of the given size. */
    String dumpDom(String url, Duration budget, int width, int height) throws Exception {
        return run(url, budget, width, height, "--dump-dom");
    }

    /** A PNG of {@code url} after {@code budget} of virtual time, in a window of the given size. */
    void screenshot(String url, Duration budget, int width, int height, Path png) throws Exception {
        Files.deleteIfExists(png);
        run(url, budget, width, height, "--screenshot=" + png.toAbsolutePath());
        assertThat(png).as("screenshot of [%s]", url).isNotEmptyFile();
    }

    private String run(String url, Duration budget, int width, int height, String action) throws Exception {
        List<String> command = new ArrayList<>(List.of("nice", "-n", "19", "nsenter", "--target", Long.toString(namespacePid),
                "--net", "--", BINARY.toString(),
                "--headless=new", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--no-sandbox", "--hide-scrollbars",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                "--virtual-time-budget=" + budget.toMillis(), action, url));
        Path stdout = log.resolveSibling("chromium.out");
        Process p = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile()) // a file, not a pipe: a hung browser cannot block the read
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish [" + url + "] in 120 s; see [" + log + "]");
        }
        assertThat(p.exitValue()).as("chromium's exit code for [%s] (its log: [%s])", url, log).isZero();
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }
}
