package io.servd.servctl.top;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.servctl.cli.ExitCodes;
import com.fasterxml.jackson.databind.JsonNode;
import io.servd.servctl.cli.Json;
import io.servd.servctl.ServctlDefaults;
import io.servd.servctl.ServctlMain;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    String batch(Path root, TopView view, int iterations, boolean json, Runnable betweenReadings)
            throws IOException, InterruptedException {
        StringWriter out = new StringWriter();
        TopReader reader = Fixtures.reader(root, tmp.resolve("proc"), clock, "/", 3);
        TopCommand.runBatch(reader, view, iterations, new PrintWriter(out), json, ms -> {
            betweenReadings.run();
            clock.addAndGet(ms * 1_000_000L);
        });
        return out.toString();
    }

    @Test
    void textHasTotalsLayoutHeaderAndOneLinePerCgroup() throws Exception {
        Path root = Fixtures.copy("debian12-systemd252", tmp);
        Path cpuStat = root.resolve("system.slice/foo.service/cpu.stat");
        String text = batch(root, TopView.defaults(), 2, false, () -> {
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
                Control Group              Tasks TasksMax   %CPU  Memory MemHigh  MemMax  %Mem  Quota  Thr%  Input/s Output/s  PSI10  OOM   Swap SwapMax  State
                /                              -        -    0.0       -       -       -     -      -     -       0B       0B   36.5    -      -       -      -
                /system.slice                 11      max    0.0   39.4M     max     max     -    max     -        -        -   36.8    2      -     max      -
                /system.slice/foo.service      1      100   25.0  180.0K     max   64.0M   0.3    50%     -        -        -   40.1    0      -     max      -
                """;
        // as in cgtop, a parent comes before its children, which its CPU time includes
        assertThat(text).isEqualTo(block + "\n" + block);
    }

    @Test
    void jsonIsOneObjectPerIterationWithAbsentKeysLeftOut() throws Exception {
        Path root = Fixtures.copy("debian12-systemd252", tmp);
        String text = batch(root, TopView.defaults().withOrder(SortOrder.MEMORY), 2, true, () -> { });
        List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode doc = Json.parse(lines.get(0));
        assertThat(doc.path("layout").asText()).isEqualTo("unified");
        assertThat(doc.path("order").asText()).isEqualTo("memory");
        assertThat(lines.get(0)).contains("{\"cgroup\":\"/system.slice\",\"tasks\":11,\"cpuPercent\":0.0,"
                + "\"cpuUsageUsec\":348199529,\"memoryBytes\":41332736,\"memoryMaxBytes\":\"max\",\"cpuQuotaPercent\":\"max\"");
        assertThat(lines.get(0)).contains("\"memoryMaxBytes\":67108864,\"memoryUsedPercent\":0.27,\"cpuQuotaPercent\":50.0")
                .contains("\"oomKills\":0,\"pidsMax\":100,\"memoryHighBytes\":\"max\",\"swapMaxBytes\":\"max\"}");
    }

    @Test
    void swapShowsMemorySwapCurrentAndMaxAndTheirJsonKeys() throws Exception {
        Path root = Fixtures.copy("debian12-systemd252", tmp);
        Path foo = root.resolve("system.slice/foo.service");
        Files.writeString(foo.resolve("memory.swap.current"), "1048576\n");
        Files.writeString(foo.resolve("memory.swap.max"), "268435456\n");
        Files.writeString(root.resolve("system.slice/memory.swap.max"), "max\n"); // no swap.current: absent
        String text = batch(root, TopView.defaults(), 1, false, () -> { });
        assertThat(text).containsPattern("/system\\.slice/foo\\.service .* 0 +1\\.0M +256\\.0M +-\n")
                .containsPattern("/system\\.slice .* 2 +- +max +-\n");
        String json = batch(root, TopView.defaults(), 1, true, () -> { });
        assertThat(json).contains("\"swapBytes\":1048576,\"swapMaxBytes\":268435456}")
                .contains("\"memoryHighBytes\":\"max\",\"swapMaxBytes\":\"max\"}");
        String raw = batch(root, TopView.defaults().withRaw(true), 1, false, () -> { });
        assertThat(raw).containsPattern(" 1048576 +268435456 +-\n");
    }

    @Test
    void aHybridHostShowsV1MemoryAndSaysWhatIsAbsent() throws Exception {
        Path root = Fixtures.copy("hybrid-host", tmp);
        String text = batch(root, TopView.defaults().withOrder(SortOrder.MEMORY), 1, false, () -> { });
        assertThat(text.lines().toList().get(1))
                .isEqualTo("hybrid: cgroup2 [hugetlb]; cpu from v1; memory from v1; absent: io pids");
        assertThat(text).contains("/process_api/ca26dd8b3ebfdd05eb6b35e76e215c49 ")
                // v1 "unlimited" (LONG_MAX rounded to a page) shows as max; memory.high is v2 only
                .containsPattern("/process_api +- +- +- +[0-9.]+[KMG] +- +max ");
    }

    @Test
    void topRunsThroughTheCommandLineWithoutAnAgent() throws IOException {
        Run run = execute(Fixtures.copy("debian12-systemd252", tmp), "top", "--batch", "--iterations", "1", "--delay",
                "50ms", "--order", "tasks");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("order tasks", "/system.slice/foo.service");
    }

    @Test
    void rawPrintsBytesAndCpuTimeAsPlainNumbers() throws Exception {
        Path root = Fixtures.copy("debian12-systemd252", tmp);
        String text = batch(root, TopView.defaults().withRaw(true).withCpu(TopView.CpuColumn.TIME), 1, false, () -> { });
        assertThat(text.lines().toList().get(2)).contains("Tasks", "CPU Time", "Memory");
        // pids.max 100, 8400643 us of CPU, memory.current 184320, memory.high max, memory.max 67108864 (64M)
        assertThat(text).containsPattern("/system.slice/foo.service +1 +100 +8400643 +184320 +max +67108864 +0\\.3 +50%")
                .contains("Memory 41332736 | IO in 0/s out 0/s");
    }

    @Test
    void cpuTimeIsASystemdTimeSpan() throws Exception {
        Path root = Fixtures.copy("debian12-systemd252", tmp);
        String text = batch(root, TopView.defaults().withCpu(TopView.CpuColumn.TIME), 1, false, () -> { });
        assertThat(text).containsPattern("/system.slice/foo.service +1 +100 +8\\.400643s +180\\.0K")
                .containsPattern("/system.slice +11 +max +5min 48\\.199529s +39\\.4M");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # arguments                                   | first rows
            top /system.slice                             | /system.slice,/system.slice/foo.service
            # relative and with a trailing slash, as cgtop joins it to the root
            top system.slice/                             | /system.slice,/system.slice/foo.service
            top --depth 0 /system.slice                   | /system.slice
            top --depth=1                                 | /,/system.slice
            # -M with a path: the cgroup of a container machined does not know; GROUP below it
            top -M /system.slice foo.service              | /system.slice/foo.service
            # the last order given wins: path
            top -m -c --order=io -p                       | /,/system.slice,/system.slice/foo.service
            """)
    void groupDepthAndOrderComeFromTheCommandLine(String arguments, String rows) throws IOException {
        Run run = once(Fixtures.copy("debian12-systemd252", tmp), arguments);
        assertThat(run.code()).isZero();
        assertThat(run.out().lines().skip(3).map(l -> l.split(" ")[0]).toList()).containsExactly(rows.split(","));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # arguments                  | order
            top                          | cpu
            top -p                       | path
            top -t                       | tasks
            top -c                       | cpu
            top -m                       | memory
            top -i                       | io
            top --order=pressure         | pressure
            # getopt: clustered, and the last one wins
            top -pm                      | memory
            top -m --order=tasks -i      | io
            top --order=io -p            | path
            """)
    void theOrderIsTheLastOneGiven(String arguments, String order) throws IOException {
        Run run = once(Fixtures.copy("debian12-systemd252", tmp), arguments);
        assertThat(run.code()).isZero();
        assertThat(run.out().lines().findFirst().orElseThrow()).contains("| order " + order + " |");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # arguments                          | counting            | /system.slice | foo.service
            top -o json                          | tasks               | tasks=11      | tasks=1
            top -o json -k                       | all-processes       | processes=3   | processes=3
            # pid 2 is kthreadd
            top -o json -P                       | userspace-processes | processes=2   | processes=2
            top -o json -k --recursive=no        | all-processes       | processes=0   | processes=3
            """)
    void processCountsGoThroughTheCommandLine(String arguments, String counting, String slice, String foo)
            throws IOException {
        Path root = Fixtures.copy("debian12-systemd252", tmp);
        Files.writeString(root.resolve("system.slice/cgroup.procs"), "");
        Files.writeString(root.resolve("system.slice/foo.service/cgroup.procs"), "1\n2\n77\n");
        Path proc = tmp.resolve("proc");
        for (String stat : List.of("2 (kthreadd) S 0 0 0 0 -1 2129984 0", "77 (java) S 1 77 77 0 -1 4194560 9")) {
            Path dir = Files.createDirectories(proc.resolve(stat.substring(0, stat.indexOf(' '))));
            Files.writeString(dir.resolve("stat"), stat + "\n");
        }
        Run run = once(root, arguments);
        assertThat(run.code()).isZero();
        JsonNode doc = Json.parse(run.out().lines().findFirst().orElseThrow());
        assertThat(doc.path("counting").asText()).isEqualTo(counting);
        assertThat(count(doc, "/system.slice")).isEqualTo(slice);
        assertThat(count(doc, "/system.slice/foo.service")).isEqualTo(foo);
    }

    /** {@code key=value} of the row's tasks or processes. */
    private static String count(JsonNode doc, String group) {
        for (JsonNode row : doc.path("rows")) {
            if (row.path("cgroup").asText().equals(group)) {
                String key = row.has("tasks") ? "tasks" : "processes";
                return key + "=" + row.path(key).asLong();
            }
        }
        throw new AssertionError("no row [" + group + "] in " + doc);
    }

    @Test
    void withoutATerminalOneIterationIsPrinted() throws IOException {
        // no -n, no -b: stdout is not a terminal here, so batch and one iteration, as cgtop
        Run run = execute(Fixtures.copy("debian12-systemd252", tmp), "top", "--delay=1ms");
        assertThat(run.code()).isZero();
        assertThat(run.out().lines().filter(l -> l.startsWith("Control Group"))).hasSize(1);
    }

    @Test
    void aMissingGroupIsAFailureNamingIt() throws IOException {
        Path root = Fixtures.copy("debian12-systemd252", tmp);
        Run run = execute(root, "top", "-b", "/nope.slice");
        assertThat(run.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.err()).startsWith("servctl: no cgroup [/nope.slice] under [" + root + "]");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # arguments                    | stderr starts with
            top -b --order size            | servctl: invalid --order [size]: one of path, tasks, cpu, memory, io, pressure
            top -b --iterations=-1         | servctl: invalid --iterations [-1]: must not be negative
            top -b -n x                    | servctl: invalid --iterations [x]: not a number
            top -b -n 4294967296           | servctl: invalid --iterations [4294967296]: out of range (at most 4294967295)
            top -b -d 0                    | servctl: invalid --delay [0]: must be more than zero
            top -b -d 0ms                  | servctl: invalid --delay [0ms]: must be more than zero
            top -b -d 1x                   | servctl: invalid --delay [1x]: unknown time unit [x]; a time span like 500ms, 1s
            top -b --delay fast            | servctl: invalid --delay [fast]: expected a number; a time span like
            top -b --depth=-1              | servctl: invalid --depth [-1]: must not be negative
            top -b --depth 1.5             | servctl: invalid --depth [1.5]: not a number
            top -b --cpu=fast              | servctl: invalid --cpu [fast]: percentage or time
            top -b --recursive=maybe       | servctl: invalid --recursive [maybe]: not a boolean (yes or no)
            # cgtop: non-recursive counting is only for processes, pids.current is recursive by nature
            top -b --recursive=no          | servctl: --recursive=no counts processes, not tasks
            top -b -M ../etc               | servctl: invalid --machine [../etc]: neither a machine name
            top -b /a/../b                 | servctl: invalid GROUP [/a/../b]: not a cgroup path
            # the first bad value is the error, as cgtop stops at it
            top -b -d 1x --order=size      | servctl: invalid --delay [1x]
            top -b -x                      | servctl: unknown option [-x]
            """)
    void badOptionsExitTwo(String arguments, String message) throws IOException {
        Run run = execute(Fixtures.copy("debian12-systemd252", tmp), arguments.split(" "));
        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).startsWith(message);
    }

    /** What {@code servctl ARGS} printed and returned, on {@code root}. */
    record Run(int code, String out, String err) {
    }

    private Run execute(Path root, String... args) {
        CommandLine cl = commandLine(root);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** {@code arguments} (a command and its options) with {@code -b -1 -d 1ms} after the command. */
    private Run once(Path root, String arguments) {
        List<String> args = new java.util.ArrayList<>(List.of(arguments.split(" ")));
        args.addAll(1, List.of("-b", "-1", "-d", "1ms"));
        return execute(root, args.toArray(String[]::new));
    }

    private CommandLine commandLine(Path root) {
        return ServctlMain.commandLine(new ServctlDefaults(tmp.resolve("none.sock"), URI.create("http://127.0.0.1:9"),
                new CgroupRoot(root), new ProcFs(tmp.resolve("proc")), tmp.resolve("machines")));
    }
}
