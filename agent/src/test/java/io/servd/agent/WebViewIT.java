package io.servd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.testsupport.FixtureTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web view in headless Chromium against the packaged servd, both in a namespace with loopback
 * only ({@link IsolatedServd}, {@link Chromium}), servd reading a captured cgroup tree
 * (debian12-systemd252: foo.service at MemoryMax=64M, CPUQuota=50%) plus demo.service, a copy of it
 * with more memory, MemoryHigh=40M and one OOM kill. Screenshots and servd's log go to
 * {@code target/web-view/}. Runs after {@code package} (failsafe).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WebViewIT {
    private static final Path CGROUPFS = Path.of("..", "cgroup", "src", "test", "resources", "cgroupfs");
    private static final Path OUT = Path.of("target", "web-view");
    /** Four polls of 2 s: rates need two, the live plot more. */
    private static final Duration BUDGET = Duration.ofSeconds(8);
    private static final long MIB = 1024 * 1024;

    private Path tree;
    private IsolatedServd servd;
    private Chromium chromium;

    @BeforeAll
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void startServd(@TempDir Path dir) throws Exception {
        Files.createDirectories(OUT);
        tree = FixtureTree.copy(CGROUPFS.resolve("debian12-systemd252"), dir.resolve("cgroup"));
        // another unit started, as systemd would: its own cgroup with its own limits and counters
        Path demo = FixtureTree.copy(tree.resolve("system.slice/foo.service"), tree.resolve("system.slice/demo.service"));
        Files.writeString(demo.resolve("memory.current"), 48 * MIB + "\n");
        Files.writeString(demo.resolve("memory.high"), 40 * MIB + "\n");
        Files.writeString(demo.resolve("memory.events"), "low 0\nhigh 12\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n");
        servd = IsolatedServd.start(tree, OUT.resolve("servd.log"));
        chromium = new Chromium(servd.pid(), OUT);
    }

    @AfterAll
    void stopServd() throws InterruptedException {
        if (servd != null) {
            servd.close();
        }
    }

    @Test
    void tableShowsEveryUnitWithMemoryAgainstItsLimitsAndKeepsPolling() throws Exception {
        String dom = chromium.dumpDom(IsolatedServd.url("/"), BUDGET, 1280, 800);

        assertThat(rows(dom)).containsSubsequence("-.slice", "system.slice", "demo.service", "foo.service");
        assertThat(htmlAttribute(dom, "polls")).as("polls in 8 s of virtual time").isGreaterThanOrEqualTo(3);
        // foo.service: memory.current 184320 of MemoryMax 64 MiB
        String foo = row(dom, "foo.service");
        assertThat(foo).contains("data-fraction=\"0.0027\"", "width: 0.27%", "180 KiB / 64.0 MiB")
                .doesNotContain("class=\"mark\"");
        // CPU: a rate needs two polls; the fixture's counters stand still, so 0 of the 0.50 CPU quota
        assertThat(cell(foo, "cpu")).contains("0.00 / 0.50");
        assertThat(cell(foo, "pressure")).contains("cpu 40%", "mem 0%");
        // demo.service: 48 MiB of 64 MiB, MemoryHigh's mark at 40/64, one OOM kill
        String demo = row(dom, "demo.service");
        assertThat(demo).contains("data-fraction=\"0.7500\"", "width: 75%", "48.0 MiB / 64.0 MiB", "left: 62.5%");
        assertThat(cell(demo, "oom")).contains(">1<");
        // system.slice: no MemoryMax, so a number and no bar
        assertThat(cell(row(dom, "system.slice"), "memory")).contains("39.4 MiB").doesNotContain("class=\"bar\"");
    }

    @Test
    void tableFollowsTheCgroupFiles() throws Exception {
        Path unit = FixtureTree.copy(tree.resolve("system.slice/foo.service"), tree.resolve("system.slice/moving.service"));
        assertThat(row(chromium.dumpDom(IsolatedServd.url("/"), BUDGET, 1280, 800), "moving.service"))
                .contains("data-fraction=\"0.0027\"");

        Files.writeString(unit.resolve("memory.current"), 60 * MIB + "\n"); // the kernel's count grew
        Files.writeString(unit.resolve("memory.max"), 64 * MIB + "\n");
        String grown = row(chromium.dumpDom(IsolatedServd.url("/"), BUDGET, 1280, 800), "moving.service");
        assertThat(grown).contains("data-fraction=\"0.9375\"", "60.0 MiB / 64.0 MiB", "fill crit");

        FixtureTree.delete(unit); // the unit stopped: its cgroup is gone
        assertThat(rows(chromium.dumpDom(IsolatedServd.url("/"), BUDGET, 1280, 800))).doesNotContain("moving.service")
                .contains("foo.service");
    }

    @Test
    void unitPagePlotsItsHistoryAndWhatItGathers() throws Exception {
        // the recorder ticks every second: wait for two samples of demo.service, read through the browser
        String history = "";
        for (int i = 0; i < 30 && count(history, "\"timeUsec\"") < 2; i++) {
            history = chromium.dumpDom(IsolatedServd.url("/v1/units/demo.service/history?since=-5m"), Duration.ofMillis(500), 800, 600);
        }
        assertThat(count(history, "\"timeUsec\"")).as("history samples of demo.service: %s", history).isGreaterThanOrEqualTo(2);

        String dom = chromium.dumpDom(IsolatedServd.url("/#/unit/demo.service"), BUDGET, 1280, 800);

        assertThat(dom).contains("data-view=\"unit\"", "<h1>demo.service", "cgroup /system.slice/demo.service");
        assertThat(dom).containsPattern("id=\"history-note\"[^>]*data-history=\"available\"")
                .containsPattern("History: [1-9][0-9]* samples");
        assertThat(htmlAttribute(dom, "samples")).isGreaterThanOrEqualTo(3);
        for (String plot : List.of("memory", "cpu", "throttled", "pressure", "oom")) {
            assertThat(plotPoints(dom, plot)).as("points drawn in plot [%s]", plot).isGreaterThanOrEqualTo(3);
        }
        assertThat(seriesPoints(dom, "memory.current")).isGreaterThanOrEqualTo(3);
        assertThat(seriesPoints(dom, "MemoryMax")).isEqualTo(seriesPoints(dom, "memory.current"));
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    /**
     * Headless Chromium lays a DOM dump out at least 500 px wide whatever --window-size says (its
     * screenshots keep 420 px, see {@link #screenshots}): narrow enough for the narrow layout.
     */
    @Test
    void aNarrowWindowDoesNotScrollSideways() throws Exception {
        for (String page : List.of("/", "/#/unit/foo.service")) {
            String dom = chromium.dumpDom(IsolatedServd.url(page), BUDGET, 420, 900);
            int window = htmlAttribute(dom, "client-width");
            assertThat(window).as("the narrow layout's width").isBetween(420, 720);
            assertThat(htmlAttribute(dom, "scroll-width")).as("document width of [%s] in a %d px window", page, window)
                    .isLessThanOrEqualTo(window);
        }
    }

    @Test
    void screenshots() throws Exception {
        for (var shot : List.of(new Shot("/", "table"), new Shot("/#/unit/demo.service", "unit-demo"))) {
            chromium.screenshot(IsolatedServd.url(shot.path()), BUDGET, 1280, 800, OUT.resolve(shot.name() + "-1280.png"));
            chromium.screenshot(IsolatedServd.url(shot.path()), BUDGET, 420, 900, OUT.resolve(shot.name() + "-420.png"));
        }
        assertThat(pngWidth(OUT.resolve("table-1280.png"))).isEqualTo(1280);
        assertThat(pngWidth(OUT.resolve("unit-demo-420.png"))).isEqualTo(420);
    }

    /** The page's own timing (Navigation Timing, and when the first data was drawn), for the note. */
    @Test
    void pageLoadTime() throws Exception {
        long started = System.nanoTime();
        String dom = chromium.dumpDom(IsolatedServd.url("/"), Duration.ofMillis(500), 1280, 800);
        long browserMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        int load = htmlAttribute(dom, "load-ms");
        int firstRender = htmlAttribute(dom, "first-render-ms");
        assertThat(load).isPositive();
        assertThat(firstRender).as("the table is drawn after the first /v1/units").isGreaterThan(0);
        System.out.printf("web view: load event at [%d] ms, table drawn at [%d] ms after navigation start; "
                + "chromium start to DOM dump [%d] ms%n", load, firstRender, browserMillis);
    }

    /** series.js and plot.js's pure functions, by agent/src/test/resources/web/series-test.js, in the same browser. */
    @Test
    void dataLogicPassesItsTests() throws Exception {
        Path web = Path.of("target", "classes", "io", "servd", "agent", "web").toAbsolutePath();
        Path tests = Path.of("target", "test-classes", "web", "series-test.js").toAbsolutePath();
        Path page = OUT.resolve("series-test.html");
        Files.writeString(page, "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
                + "<script src=\"" + web.resolve("series.js").toUri() + "\"></script>"
                + "<script src=\"" + web.resolve("plot.js").toUri() + "\"></script></head>"
                + "<body><ol id=\"results\"></ol><script src=\"" + tests.toUri() + "\"></script></body></html>\n",
                StandardCharsets.UTF_8);

        String dom = chromium.dumpDom(page.toAbsolutePath().toUri().toString(), Duration.ofMillis(100), 800, 600);

        Matcher failures = Pattern.compile("<li data-result=\"fail\">([^<]*)</li>").matcher(dom);
        assertThat(failures.results().map(m -> m.group(1)).toList()).as("failed JavaScript tests").isEmpty();
        assertThat(htmlAttribute(dom, "failed")).isZero();
        assertThat(htmlAttribute(dom, "passed")).isGreaterThanOrEqualTo(20);
    }

    private record Shot(String path, String name) {
    }

    /** The units of the table's rows, in order. */
    private static List<String> rows(String dom) {
        return Pattern.compile("<tr data-unit=\"([^\"]+)\"").matcher(dom).results().map(m -> m.group(1)).toList();
    }

    private static String row(String dom, String unit) {
        int start = dom.indexOf("<tr data-unit=\"" + unit + "\"");
        assertThat(start).as("a row for [%s] in the table", unit).isNotNegative();
        return dom.substring(start, dom.indexOf("</tr>", start));
    }

    private static String cell(String row, String column) {
        int start = row.indexOf("<td class=\"c-" + column + "\"");
        assertThat(start).as("cell [%s] of %s", column, row).isNotNegative();
        return row.substring(start, row.indexOf("</td>", start));
    }

    /** A data-* attribute of {@code <html>} (the page's state for tests), as a number. */
    private static int htmlAttribute(String dom, String name) {
        Matcher m = Pattern.compile("<html[^>]*\\sdata-" + name + "=\"(-?\\d+)\"").matcher(dom);
        assertThat(m.find()).as("<html data-%s> in %s", name, dom.substring(0, Math.min(dom.length(), 400))).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static int plotPoints(String dom, String plot) {
        Matcher m = Pattern.compile("id=\"plot-" + plot + "\"><svg [^>]*data-points=\"(\\d+)\"").matcher(dom);
        assertThat(m.find()).as("an SVG plot [%s]", plot).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static int seriesPoints(String dom, String series) {
        Matcher m = Pattern.compile("<path [^>]*data-series=\"" + Pattern.quote(series) + "\" data-points=\"(\\d+)\"").matcher(dom);
        assertThat(m.find()).as("a line [%s]", series).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** The width in a PNG's IHDR chunk (bytes 16..19, big-endian). */
    private static int pngWidth(Path png) throws Exception {
        byte[] b = Files.readAllBytes(png);
        return ((b[16] & 0xff) << 24) | ((b[17] & 0xff) << 16) | ((b[18] & 0xff) << 8) | (b[19] & 0xff);
    }
}
