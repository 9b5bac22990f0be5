package io.servd.servctl.top;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.servctl.cli.ExitCodes;
import com.fasterxml.jackson.databind.JsonNode;
import io.servd.servctl.cli.Json;
import io.servd.servctl.ServctlDefaults;
import io.servd.servctl.ServctlMain;
import io.servd.cgroup.fs.CgroupRoot;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code servctl top --batch}: the plain-text and JSON formats scripts read, on captured trees. */
class TopBatchTest {

    @TempDir
    Path tmp;

    AtomicLong clock = new AtomicLong(1_000_000_000L);

    String batch(TopSampler sampler, SortOrder order, int iterations, boolean json, Runnable betweenReadings)
            throws IOException, InterruptedException {
        StringWriter out = new StringWriter();
        TopCommand.runBatch(sampler, order, Duration.ofSeconds(1), OptionalLong.of(iterations), new PrintWriter(out), json, ms -> {
            betweenReadings.run();
            clock.addAndGet(ms * 1_000_000L);
        });
        return out.toString();
    }

    @Test
    void textHasTotalsLayoutHeaderAndOneLinePerCgroup() throws Exception {
        Path root = Fixtures.copy("debian12-systemd252", tmp);
        Path cpuStat = root.resolve("system.slice/foo.service/cpu.stat");
        String text = batch(Fixtures.sampler(root, clock, 3), SortOrder.CPU, 2, false, () -> {
            try { // +250 ms of CPU per second in foo.service; no periods passed, so throttled % is unknown
                String s = Files.readString(cpuStat);
                long usage = Long.parseLong(s.lines().findFirst().orElseThrow().split(" ")[1]);
                Files.writeString(cpuStat, s.replaceFirst("usage_usec \\d+", "usage_usec " + (usage + 250_000)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String block = """
                3 cgroups | Tasks 11 | CPU 0.0% | Memory 39.4M | IO in 0B/s out 0B/s | order cpu | interval 1.0s
                unified: cgroup2 [cpuset, cpu, io, memory, hugetlb, pids, rdma, misc]
                Control Group              Tasks   %CPU  Memory  MemMax  %Mem  Quota  Thr%  Input/s Output/s  PSI10  OOM
                /system.slice/foo.service      1   25.0  180.0K   64.0M   0.3    50%     -        -        -   40.1    0
                /                              -    0.0       -       -     -      -     -       0B       0B   36.5    -
                /system.slice                 11    0.0   39.4M     max     -    max     -        -        -   36.8    2
                """;
        assertThat(text).isEqualTo(block + "\n" + block);
    }

    @Test
    void jsonIsOneObjectPerIterationWithAbsentKeysLeftOut() throws Exception {
        Path root = Fixtures.copy("debian12-systemd252", tmp);
        String text = batch(Fixtures.sampler(root, clock, 3), SortOrder.MEMORY, 2, true, () -> { });
        List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode doc = Json.parse(lines.get(0));
        assertThat(doc.path("layout").asText()).isEqualTo("unified");
        assertThat(doc.path("order").asText()).isEqualTo("memory");
        assertThat(lines.get(0)).contains("{\"cgroup\":\"/system.slice\",\"tasks\":11,\"cpuPercent\":0.0,"
                + "\"memoryBytes\":41332736,\"memoryMaxBytes\":\"max\",\"cpuQuotaPercent\":\"max\"");
        assertThat(lines.get(0)).contains("\"memoryMaxBytes\":67108864,\"memoryUsedPercent\":0.27,\"cpuQuotaPercent\":50.0");
    }

    @Test
    void aHybridHostShowsV1MemoryAndSaysWhatIsAbsent() throws Exception {
        Path root = Fixtures.copy("hybrid-host", tmp);
        String text = batch(Fixtures.sampler(root, clock, 3), SortOrder.MEMORY, 1, false, () -> { });
        assertThat(text.lines().toList().get(1))
                .isEqualTo("hybrid: cgroup2 [hugetlb]; cpu from v1; memory from v1; absent: io pids");
        assertThat(text).contains("/process_api/ca26dd8b3ebfdd05eb6b35e76e215c49 ")
                // v1 "unlimited" (LONG_MAX rounded to a page) shows as max
                .containsPattern("/process_api +- +- +[0-9.]+[KMG] +max ");
    }

    @Test
    void topRunsThroughTheCommandLineWithoutAnAgent() throws IOException {
        Path root = Fixtures.copy("debian12-systemd252", tmp);
        CommandLine cl = ServctlMain.commandLine(new ServctlDefaults(tmp.resolve("none.sock"),
                URI.create("http://127.0.0.1:9"), new CgroupRoot(root)));
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        int code = cl.execute("top", "--batch", "--iterations", "1", "--delay", "0.05", "--order", "tasks");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("order tasks", "/system.slice/foo.service");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # arguments                    | stderr starts with
            top -b --order path            | servctl: --order must be one of cpu, memory, tasks, io, pressure [path]
            top -b -n 0                    | servctl: --iterations must be at least 1 [0]
            top -b -d 0                    | servctl: --delay must be in [0.05, 3600] seconds [0.0]
            top -b --depth -1              | servctl: --depth must not be negative [-1]
            """)
    void badOptionsExitTwo(String arguments, String message) {
        CommandLine cl = ServctlMain.commandLine(new ServctlDefaults(tmp.resolve("none.sock"),
                URI.create("http://127.0.0.1:9"), new CgroupRoot(tmp)));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute(arguments.split(" "))).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).startsWith(message);
    }
}
