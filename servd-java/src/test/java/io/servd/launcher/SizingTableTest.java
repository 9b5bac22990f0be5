package io.servd.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The split is a documented function of the limit: the table in the script's header and the one in
 * the README are what the script prints, row by row, and every limit from 64 MiB up leaves the
 * native reserve free.
 */
class SizingTableTest {

    /** A header row: "#     64       22  8 ..." (L R code meta direct S Xmx Xms compiler GC). */
    private static final Pattern HEADER_ROW = Pattern.compile(
            "^#\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(C1|tiered)\\s+(Serial|G1)\\s*$");
    /** A README row: "| 64 | 22 | 8 | ... | C1 | Serial |", the same columns. */
    private static final Pattern README_ROW = Pattern.compile("^\\|\\s*(\\d+)\\s*" + "\\|\\s*(\\d+)\\s*".repeat(7)
            + "\\|\\s*(C1|tiered)\\s*\\|\\s*(Serial|G1)\\s*\\|\\s*$");

    @TempDir
    Path noProc;

    @Test
    void scriptHeaderTableIsWhatTheScriptDerives() throws IOException {
        Map<Integer, String> documented = rows(ServdJava.SCRIPT, HEADER_ROW);

        assertThat(documented).hasSizeGreaterThanOrEqualTo(5);
        documented.forEach((mib, row) -> assertThat(derivedRow(mib)).as("header row for %d MiB", mib).isEqualTo(row));
    }

    @Test
    void readmeTableIsWhatTheScriptDerives() throws IOException {
        Map<Integer, String> documented = rows(Path.of(System.getProperty("servd.readme", "../README.md")), README_ROW);

        assertThat(documented).isEqualTo(rows(ServdJava.SCRIPT, HEADER_ROW));
    }

    @ParameterizedTest(name = "{0} MiB")
    @ValueSource(ints = {64, 80, 96, 100, 127, 128, 192, 255, 256, 300, 511, 512, 768, 1023, 1024, 1536, 2048, 4096, 16384})
    void ceilingsLeaveTheNativeReserveFree(int mib) {
        List<String> flags = ServdJava.in(noProc, "none").run("--print-flags", "--memory-max", mib + "M", "Main").flags();

        long ceilings = mib(flags, "-Xmx") + mib(flags, "-XX:MaxMetaspaceSize=") + mib(flags, "-XX:ReservedCodeCacheSize=")
                + mib(flags, "-XX:MaxDirectMemorySize=");
        // at least the 12 MiB the JVM needs outside every flag's reach without an archive (DESIGN §8), plus the stacks
        assertThat(ceilings).as("heap + metaspace + code cache + direct of %s", flags).isLessThanOrEqualTo(mib - 12 - 4);
        assertThat(mib(flags, "-XX:MaxMetaspaceSize=")).as("metaspace of %s, no archive", flags).isGreaterThanOrEqualTo(24);
        assertThat(mib(flags, "-Xms")).isBetween(8L, mib(flags, "-Xmx"));
        assertThat(flags.contains("-XX:TieredStopAtLevel=1")).as("C1 only in %s", flags).isEqualTo(mib < 256);
        assertThat(flags).contains(mib >= 512 ? "-XX:+UseG1GC" : "-XX:+UseSerialGC");
        assertThat(flags).contains("-XX:MaxRAM=" + mib + "m");
    }

    /**
     * An archive holds the application's classes in its mapping, not in metaspace (the greeter
     * committed 18.3 MB of metaspace without one, 1.8 MB with one): 8 MiB of the budget move from
     * metaspace to the native reserve, the heap stays what it was where metaspace is at its floor.
     */
    @ParameterizedTest(name = "{0} MiB, archive [{1}]")
    @CsvSource(delimiter = '|', textBlock = """
        # MiB | archive (app.jsa next to the jar, or the flag given) | reserve | metaspace | -Xmx
        64    | none                                                  | 14      | 24        | 10
        64    | app.jsa                                               | 22      | 16        | 10
        64    | -XX:SharedArchiveFile=elsewhere.jsa                   | 22      | 16        | 10
        64    | -Xshare:off                                           | 14      | 24        | 10
        80    | none                                                  | 14      | 24        | 22
        80    | app.jsa                                               | 22      | 16        | 22
        128   | none                                                  | 16      | 25        | 55
        128   | app.jsa                                               | 24      | 25        | 47
        """)
    void anArchiveMovesClassMetadataFromMetaspaceToTheReserve(int mib, String archive, int reserve, int meta, int heap,
            @TempDir Path dir) throws IOException {
        Path jar = Files.createFile(dir.resolve("app.jar"));
        List<String> args = new ArrayList<>(List.of("--print-flags", "--memory-max", mib + "M"));
        if (archive.equals("app.jsa")) {
            Files.createFile(dir.resolve("app.jsa"));
        } else if (archive.startsWith("-")) {
            args.add(archive);
        }
        args.addAll(List.of("-jar", jar.toString()));

        ServdJava.Result r = ServdJava.in(noProc, "none").run(args.toArray(String[]::new));

        assertThat(r.notes()).as(r.stderr()).contains("native reserve " + reserve + ", ");
        assertThat(r.flags()).contains("-XX:MaxMetaspaceSize=" + meta + "m", "-Xmx" + heap + "m");
    }

    @Test
    void aSingleCpuKeepsSerialGcEvenUnderALargeLimit() {
        List<String> flags = ServdJava.in(noProc, "none").run("--print-flags", "--memory-max", "4G", "--cpus", "1", "Main").flags();

        assertThat(flags).contains("-XX:+UseSerialGC", "-XX:ActiveProcessorCount=1").doesNotContain("-Xss256k");
    }

    @Test
    void infinityIsNoBound() {
        ServdJava.Result r = ServdJava.in(noProc, "none").run("--print-flags", "--memory-max", "infinity", "Main");

        assertThat(r.flags()).isEmpty();
        assertThat(r.notes()).contains("memory limit: none");
    }

    @Test
    void sizesTakeSystemdsSuffixesAndDecimals() {
        assertThat(ServdJava.in(noProc, "none").run("--print-flags", "--memory-max", "0.5G", "Main").flags())
                .contains("-XX:MaxRAM=512m");
        assertThat(ServdJava.in(noProc, "none").run("--print-flags", "--memory-max", "67108864", "Main").flags())
                .contains("-XX:MaxRAM=64m");
        assertThat(ServdJava.in(noProc, "none").run("--print-flags", "--memory-max", "65536K", "Main").flags())
                .contains("-XX:MaxRAM=64m");
    }

    /** One row as the script derives it for --memory-max MIB: "R code meta direct S Xmx Xms compiler GC". */
    private String derivedRow(int mib) {
        ServdJava.Result r = ServdJava.in(noProc, "none").run("--print-flags", "--memory-max", mib + "M", "Main");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        Matcher budget = Pattern.compile("native reserve (\\d+), code \\d+, metaspace \\d+, direct \\d+, stacks (\\d+)")
                .matcher(r.notes());
        assertThat(budget.find()).as(r.notes()).isTrue();
        List<String> f = r.flags();
        List<String> cells = new ArrayList<>();
        cells.add(budget.group(1));
        cells.add(String.valueOf(mib(f, "-XX:ReservedCodeCacheSize=")));
        cells.add(String.valueOf(mib(f, "-XX:MaxMetaspaceSize=")));
        cells.add(String.valueOf(mib(f, "-XX:MaxDirectMemorySize=")));
        cells.add(budget.group(2));
        cells.add(String.valueOf(mib(f, "-Xmx")));
        cells.add(String.valueOf(mib(f, "-Xms")));
        cells.add(f.contains("-XX:TieredStopAtLevel=1") ? "C1" : "tiered");
        cells.add(f.contains("-XX:+UseG1GC") ? "G1" : "Serial");
        return String.join(" ", cells);
    }

    private static Map<Integer, String> rows(Path file, Pattern row) throws IOException {
        Map<Integer, String> rows = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = row.matcher(line);
            if (m.matches()) {
                List<String> cells = new ArrayList<>();
                for (int i = 2; i <= m.groupCount(); i++) {
                    cells.add(m.group(i));
                }
                rows.put(Integer.parseInt(m.group(1)), String.join(" ", cells));
            }
        }
        return rows;
    }

    private static long mib(List<String> flags, String prefix) {
        return flags.stream().filter(f -> f.startsWith(prefix) && f.endsWith("m")).findFirst()
                .map(f -> Long.parseLong(f.substring(prefix.length(), f.length() - 1)))
                .orElseThrow(() -> new AssertionError("no [" + prefix + "] in " + flags));
    }
}
