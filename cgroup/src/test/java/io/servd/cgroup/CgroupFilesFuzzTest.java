package io.servd.cgroup;

import io.servd.testsupport.NearMiss;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cgroup interface-file parsers against near misses of the captured fixtures (issue 12 item 6):
 * each returns a value or throws {@link MalformedCgroupFileException} quoting the file's content, or
 * the offending line of it, and naming the file; nothing else escapes. Where a format exists, what
 * parsed re-parses from its canonical form to the same value.
 */
class CgroupFilesFuzzTest {

    private static final Path FILE = Path.of("/sys/fs/cgroup/system.slice/foo.service/file");

    /** Every parser of one cgroup or proc file, by the file's name; the v1 ones by their v1 names. */
    static final Map<String, CgroupParser<?>> PARSERS = Map.ofEntries(
            parser("cpu.max", CpuMax::parseCgroup),
            parser("memory.max", MemoryMax::parseCgroup),
            parser("memory.high", MemoryHigh::parseCgroup),
            parser("memory.low", ByteSize::parseCgroupLimit),
            parser("memory.min", ByteSize::parseCgroupLimit),
            parser("memory.swap.max", ByteSize::parseCgroupLimit),
            parser("memory.current", CgroupParser::parseBytes),
            parser("memory.peak", CgroupParser::parseBytes),
            parser("pids.max", PidsMax::parseCgroup),
            parser("pids.current", CgroupParser::parseBytes),
            parser("cpu.weight", CpuWeight::parseCgroup),
            parser("cpu.stat", CpuStat::parseCgroup),
            parser("memory.stat", MemoryStat::parseCgroup),
            parser("memory.events", MemoryEvents::parseCgroup),
            parser("io.stat", IoStat::parseCgroup),
            parser("cpu.pressure", Pressure::parseCgroup),
            parser("memory.pressure", Pressure::parseCgroup),
            parser("io.pressure", Pressure::parseCgroup),
            parser("memory.limit_in_bytes", MemoryController::parseV1Limit),
            parser("memory.usage_in_bytes", CgroupParser::parseBytes),
            parser("memory.max_usage_in_bytes", CgroupParser::parseBytes),
            parser("cpu.shares", CpuController::parseV1Shares),
            parser("cpuacct.usage", CpuController::parseCpuacctUsage),
            parser("cgroup", ProcCgroupLine::parse),
            parser("mountinfo", MountInfoLine::parse));

    private static Map.Entry<String, CgroupParser<?>> parser(String name, CgroupParser<?> parser) {
        return Map.entry(name, parser);
    }

    /** The canonical form of what a parser with a format function returned. */
    static final Map<String, Function<Object, String>> FORMATS = Map.of(
            "cpu.max", v -> ((CpuMax) v).formatCgroup(),
            "memory.max", v -> ((MemoryMax) v).formatCgroup(),
            "memory.high", v -> ((MemoryHigh) v).formatCgroup(),
            "memory.low", v -> ByteSize.formatCgroupLimit(limit(v)),
            "memory.min", v -> ByteSize.formatCgroupLimit(limit(v)),
            "memory.swap.max", v -> ByteSize.formatCgroupLimit(limit(v)),
            "pids.max", v -> ((PidsMax) v).formatCgroup(),
            "cpu.weight", v -> ((CpuWeight) v).formatCgroup());

    /** A file's name and content: a captured fixture after one to three near-miss edits. */
    record Case(String name, String raw) {
        @Override
        public String toString() {
            return name + " [" + raw.replace("\n", "\\n") + "]";
        }
    }

    /** Each file name is as likely as any other, however many fixtures it has: 80 tries or so each. */
    @Property(tries = 2000)
    void everyFileParsesOrRejectsNamingTheValueAndTheFile(@ForAll("nearMisses") Case c) throws Exception {
        Optional<Object> parsed = parsesOrRejects(c.name(), c.raw());
        if (parsed.orElse(null) instanceof Duration d) { // cpuacct.usage
            assertThat(d.isNegative()).as("a negative cumulative time [%s]", d).isFalse();
        }
        if (parsed.isPresent() && FORMATS.containsKey(c.name())) {
            String canonical = FORMATS.get(c.name()).apply(parsed.get());
            assertThat(PARSERS.get(c.name()).parse(canonical, FILE)).as("parse(format(x))").isEqualTo(parsed.get());
        }
    }

    @Property
    void procCgroupParsesOrRejectsNamingTheValueAndTheFile(@ForAll("procCgroupNearMisses") Case c) throws Exception {
        everyFileParsesOrRejectsNamingTheValueAndTheFile(c);
    }

    @Property
    void mountInfoParsesOrRejectsNamingTheValueAndTheFile(@ForAll("mountInfoNearMisses") Case c) throws Exception {
        everyFileParsesOrRejectsNamingTheValueAndTheFile(c);
    }

    /**
     * mountinfo lines from proc(5)'s grammar, with the kernel's octal escapes in the paths and any list of
     * super options: they parse, to the unescaped paths, except that a NUL ({@code \000}, which the kernel
     * never writes) cannot be in a path.
     */
    @Property
    void mountInfoLinesFromTheGrammarParse(@ForAll("mountInfoLines") List<String> f) throws Exception {
        String line = String.join(" ", f.subList(0, 5)) + " rw,nosuid" + f.get(5) + " - " + f.get(6) + " "
                + f.get(7) + " " + f.get(8) + "\n";
        String mountPoint = MountInfoLine.unescape(f.get(4), line, FILE);
        if (mountPoint.indexOf('\0') >= 0) {
            assertThatThrownBy(() -> MountInfoLine.parse(line, FILE)).isInstanceOf(MalformedCgroupFileException.class)
                    .hasMessage("mount point is not a path: [" + line.strip() + "] in [" + FILE + "]");
            return;
        }
        MountInfoLine parsed = MountInfoLine.parse(line, FILE).get(0);
        assertThat(parsed.root()).isEqualTo(MountInfoLine.unescape(f.get(3), line, FILE));
        assertThat(parsed.mountPoint()).isEqualTo(Path.of(mountPoint));
        assertThat(parsed.superOptions()).containsExactlyInAnyOrderElementsOf(Set.copyOf(Arrays.asList(f.get(8).split(","))));
    }

    @Property
    void flatAndNestedKeyedFilesWithAnyCounterParse(@ForAll("validCounters") Case c) throws Exception {
        Object parsed = PARSERS.get(c.name()).parse(c.raw(), FILE);
        // Every "KEY VALUE" pair of the text is in what was parsed, as the kernel wrote it.
        if (parsed instanceof MemoryStat stat) {
            for (String line : c.raw().strip().split("\n")) {
                String[] kv = line.split(" ");
                assertThat(stat.value(kv[0])).hasValue(Long.parseLong(kv[1]));
            }
        } else if (parsed instanceof CpuStat stat) {
            assertThat(stat.usage()).isEqualTo(Duration.of(counter(c.raw(), "usage_usec"), ChronoUnit.MICROS));
            assertThat(stat.system()).isEqualTo(Duration.of(counter(c.raw(), "system_usec"), ChronoUnit.MICROS));
        } else if (parsed instanceof MemoryEvents events) {
            assertThat(events.oomKill()).isEqualTo(counter(c.raw(), "oom_kill"));
        } else if (parsed instanceof IoStat io) {
            assertThat(io.devices()).hasSize((int) c.raw().lines().filter(l -> !l.isBlank()).count());
        } else {
            assertThat(parsed).isInstanceOf(Pressure.class);
        }
    }

    @Example
    void everyPrefixOfEveryFixtureParsesOrRejects() throws Exception {
        int checked = 0;
        for (Case fixture : new java.util.LinkedHashSet<>(fixtures())) { // scenarios share files: each once
            for (String prefix : NearMiss.prefixes(fixture.raw())) {
                parsesOrRejects(fixture.name(), prefix);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(5_000);
    }

    @Property
    void signsAndNonAsciiDigitsInAHierarchyIdAreRejected(@ForAll("hierarchyIds") String id) {
        String line = id + ":memory:/system.slice\n";
        assertThatThrownBy(() -> ProcCgroupLine.parse(line, FILE))
                .isInstanceOf(MalformedCgroupFileException.class)
                .hasMessage("hierarchy ID is not a number: [" + line.strip() + "] in [" + FILE + "]");
    }

    /** systemd's clamp(shares * 100 / 1024, 1, 10000): more shares never give less weight. */
    @Property
    void v1SharesMapMonotonicallyToWeights(@ForAll @LongRange(min = 0) long a, @ForAll @LongRange(min = 0) long b)
            throws Exception {
        CpuWeight wa = CpuController.parseV1Shares(a + "\n", FILE);
        CpuWeight wb = CpuController.parseV1Shares(b + "\n", FILE);
        assertThat(Long.compare(wa.weight(), wb.weight())).isIn(0, Long.signum(Long.compare(a, b)));
    }

    @Property
    void quotaOrPeriodBeyondWhatADurationHoldsIsRejected(@ForAll("hugeMicros") long micros) {
        for (String raw : List.of(micros + " 100000", "max " + micros, Long.toString(micros))) {
            assertThatThrownBy(() -> CpuMax.parseCgroup(raw, FILE))
                    .isInstanceOf(MalformedCgroupFileException.class)
                    .hasMessageEndingWith(" out of range: [" + raw + "] in [" + FILE + "]");
        }
    }

    @Example
    void nearMissesTheFirstRunFound() {
        // Each row was an escape (or a silent wrong value) before the fix; see the commit message.
        assertRejected("cpu.max", "9223372036854776 100000", "quota out of range");
        assertRejected("cgroup", "+0::/system.slice", "hierarchy ID is not a number");
        assertRejected("cgroup", "\u0663:memory:/", "hierarchy ID is not a number");
        assertRejected("mountinfo", "30 23 0:26 / /sys/fs/cgroup\\000x rw - cgroup2 cgroup2 rw", "mount point is not a path");
        assertRejected("io.stat", "8:16: rbytes=1 wbytes=1 rios=1 wios=1", "expected MAJ:MIN");
        assertRejected("io.stat", "4294967296:0 rbytes=1 wbytes=1 rios=1 wios=1", "device number out of range");
        assertRejected("io.stat", "8:0 rbytes=1 rbytes=2 wbytes=1 rios=1 wios=1", "repeated key: [8:0 rbytes=1 rbytes=2");
        assertRejected("io.stat", "8:0 rbytes= wbytes=1 rios=1 wios=1", "non-negative decimal number: [8:0 rbytes=");
        assertRejected("cpu.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=1\n"
                + "some avg10=0.00 avg60=0.00 avg300=0.00 total=2\n", "repeated line: [some");
        assertRejected("cpuacct.usage", "18446744073709551615", "expected nanoseconds");
        assertRejected("cpuacct.usage", "+5", "expected nanoseconds");
    }

    @Example
    void nearMissesTheFirstRunFoundThatAreValid() throws Exception {
        // A repeated mount option is not an error: the kernel prints what it was given.
        assertThat(MountInfoLine.parse("30 23 0:26 / /sys/fs/cgroup rw - cgroup cgroup rw,,,cpu,rw\n", FILE))
                .singleElement().extracting(MountInfoLine::superOptions).isEqualTo(Set.of("rw", "", "cpu"));
        // cpu.shares beyond 2^63 / 100 used to overflow to weight 1; it is the top weight
        assertThat(CpuController.parseV1Shares("922337203685477581", FILE)).isEqualTo(new CpuWeight(10_000));
    }

    private static void assertRejected(String name, String raw, String fragment) {
        assertThatThrownBy(() -> PARSERS.get(name).parse(raw, FILE))
                .isInstanceOf(MalformedCgroupFileException.class)
                .hasMessageContaining(fragment)
                .hasMessageEndingWith("] in [" + FILE + "]");
    }

    /**
     * The property itself: a value, or our exception whose content is the raw text or one of its lines
     * (not something the parser made up), in brackets, with the file.
     */
    static Optional<Object> parsesOrRejects(String name, String raw) {
        try {
            return Optional.of(PARSERS.get(name).parse(raw, FILE));
        } catch (MalformedCgroupFileException e) {
            // plain checks first: AssertJ for each of the ~20,000 refusals of the prefix example costs seconds
            boolean quoted = e.content().equals(raw) || Arrays.asList(raw.split("\n", -1)).contains(e.content());
            if (!quoted || !e.file().equals(FILE)
                    || !e.getMessage().endsWith(": [" + e.content().strip() + "] in [" + FILE + "]")) {
                assertThat(e.file()).isEqualTo(FILE);
                assertThat(e.content()).as("the raw content or one of its lines").isIn(quotable(raw));
                assertThat(e.getMessage()).endsWith(": [" + e.content().strip() + "] in [" + FILE + "]");
            }
            return Optional.empty();
        }
    }

    private static List<String> quotable(String raw) {
        List<String> out = new ArrayList<>(Arrays.asList(raw.split("\n", -1)));
        out.add(raw);
        return out;
    }

    @Provide
    Arbitrary<Case> nearMisses() {
        List<String> names = fixtures().stream().map(Case::name).distinct().sorted().toList();
        return Arbitraries.of(names).flatMap(this::nearMissesOf);
    }

    @Provide
    Arbitrary<Case> procCgroupNearMisses() {
        return nearMissesOf("cgroup");
    }

    @Provide
    Arbitrary<Case> mountInfoNearMisses() {
        return nearMissesOf("mountinfo");
    }

    private Arbitrary<Case> nearMissesOf(String name) {
        List<Case> seeds = fixtures().stream().filter(f -> f.name().equals(name)).toList();
        return Arbitraries.of(seeds).flatMap(f -> NearMiss.ofTextOrLine(f.raw()).map(raw -> new Case(name, raw)));
    }

    @Provide
    Arbitrary<Case> validCounters() {
        List<Case> keyed = fixtures().stream()
                // hybrid-host/cpu/cpu.stat is v1's (no usage_usec): another format under the same name
                .filter(f -> List.of("memory.stat", "memory.events", "io.stat").contains(f.name())
                        || f.name().endsWith(".pressure") || f.name().equals("cpu.stat") && f.raw().contains("usage_usec"))
                .toList();
        return Arbitraries.of(keyed).flatMap(f -> NearMiss.withRandomCounters(f.raw()).map(raw -> new Case(f.name(), raw)));
    }

    @Provide
    Arbitrary<List<String>> mountInfoLines() {
        Arbitrary<String> id = Arbitraries.integers().between(1, 5000).map(String::valueOf);
        Arbitrary<String> device = Arbitraries.integers().between(0, 300).list().ofSize(2)
                .map(mm -> mm.get(0) + ":" + mm.get(1));
        // path segments: plain names, and the four characters the kernel escapes (plus a NUL it never does)
        Arbitrary<String> segment = Arbitraries.oneOf(Arbitraries.of("system.slice", "a.service", "cri-containerd:9a1b"),
                Arbitraries.of("\\040", "\\011", "\\012", "\\134", "\\000").list().ofMinSize(1).ofMaxSize(2)
                        .map(e -> "x" + String.join("", e)));
        Arbitrary<String> path = segment.list().ofMaxSize(3).map(s -> "/" + String.join("/", s));
        Arbitrary<String> optional = Arbitraries.of("", " shared:4", " master:1", " shared:7 master:2", " propagate_from:3");
        Arbitrary<String> options = Arbitraries.of("rw", "ro", "cpu", "cpuacct", "memory", "name=systemd", "nsdelegate",
                "memory_recursiveprot").list().ofMinSize(1).ofMaxSize(5).map(o -> String.join(",", o));
        return Combinators.combine(List.of(id, id, device, path, path, optional,
                Arbitraries.of("cgroup", "cgroup2", "tmpfs"), Arbitraries.of("cgroup", "cgroup2", "none"), options))
                .as(fields -> fields);
    }

    @Provide
    Arbitrary<String> hierarchyIds() {
        Arbitrary<String> digits = Arbitraries.integers().between(0, 12).map(String::valueOf);
        Arbitrary<String> bad = Arbitraries.of("+", "\u0663", "\uff11", "\u0966", " ", "\t", "\0", "1.0", "0x");
        return digits.flatMap(d -> bad.flatMap(b -> Arbitraries.integers().between(0, d.length())
                .map(at -> d.substring(0, at) + b + d.substring(at))));
    }

    @Provide
    Arbitrary<Long> hugeMicros() {
        return Arbitraries.longs().between(Long.MAX_VALUE / 1000 + 1, Long.MAX_VALUE);
    }

    /** Every captured or synthetic file under cgroupfs/ and procfs/ that has a parser, read once. */
    static List<Case> fixtures() {
        return FIXTURES;
    }

    private static final List<Case> FIXTURES = readFixtures();

    private static List<Case> readFixtures() {
        List<Case> out = new ArrayList<>();
        for (String tree : List.of("cgroupfs", "procfs")) {
            try (Stream<Path> files = Files.walk(Fixtures.resource(tree))) {
                for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                    String name = p.getFileName().toString();
                    if (PARSERS.containsKey(name)) {
                        out.add(new Case(name, Files.readString(p)));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return List.copyOf(out);
    }

    private static long counter(String raw, String key) {
        return raw.lines().filter(l -> l.startsWith(key + " ")).mapToLong(l -> Long.parseLong(l.split(" ")[1]))
                .findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Limit<ByteSize> limit(Object v) {
        return (Limit<ByteSize>) v;
    }
}
