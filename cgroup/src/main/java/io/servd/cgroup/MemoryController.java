package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads one cgroup's memory controller files. Every reader returns empty when its file is absent
 * (controller not enabled, or the kernel lacks the file: {@code memory.peak} needs Linux 5.19) and throws {@link MalformedCgroupFileException} when the
 * file cannot be parsed. On cgroup v1 the hard limit, usage and peak come from
 * {@code memory.limit_in_bytes}, {@code memory.usage_in_bytes} and {@code memory.max_usage_in_bytes};
 * the other readers return empty there.
 */
public final class MemoryController {

    /**
     * v1 has no "max": an unlimited {@code memory.limit_in_bytes} reads as {@code LONG_MAX} rounded down
     * to a page (9223372036854771712 with 4 KiB pages). Like the JDK ({@code CgroupV1SubsystemController
     * .UNLIMITED_MIN}) we treat anything from here up as unlimited, which covers pages up to 16 MiB.
     */
    static final long V1_UNLIMITED_MIN = 0x7FFFFFFFFF000000L;

    /** Fewer bytes is stricter; unlimited is loosest. */
    static final Comparator<MemoryMax> STRICTEST_FIRST =
            Comparator.comparing(MemoryMax::limit, Limit.strictestFirst(Comparator.comparingLong(ByteSize::bytes)));

    private final CgroupDir dir;
    private final CgroupVersion version;

    private MemoryController(CgroupDir dir, CgroupVersion version) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.version = Objects.requireNonNull(version, "version");
    }

    /** The memory controller of a cgroup v2 directory. */
    public static MemoryController of(CgroupDir dir) {
        return new MemoryController(dir, CgroupVersion.V2);
    }

    /** The memory controller of a directory of the given hierarchy version. */
    public static MemoryController of(CgroupDir dir, CgroupVersion version) {
        return new MemoryController(dir, version);
    }

    /** The hard limit ({@code memory.max}; v1 {@code memory.limit_in_bytes}). */
    public Optional<MemoryMax> readMax() throws IOException {
        return readMax(dir, version);
    }

    /** The throttling limit ({@code memory.high}); v2 only. */
    public Optional<MemoryHigh> readHigh() throws IOException {
        return v2(CgroupFile.MEMORY_HIGH, MemoryHigh::parseCgroup);
    }

    /** Current usage including page cache ({@code memory.current}; v1 {@code memory.usage_in_bytes}). */
    public Optional<ByteSize> readCurrent() throws IOException {
        return CgroupParser.read(dir, version == CgroupVersion.V2 ? CgroupFile.MEMORY_CURRENT
                : CgroupFile.MEMORY_USAGE_IN_BYTES, CgroupParser::parseBytes);
    }

    /** Highest usage recorded ({@code memory.peak}; v1 {@code memory.max_usage_in_bytes}). */
    public Optional<ByteSize> readPeak() throws IOException {
        return CgroupParser.read(dir, version == CgroupVersion.V2 ? CgroupFile.MEMORY_PEAK
                : CgroupFile.MEMORY_MAX_USAGE_IN_BYTES, CgroupParser::parseBytes);
    }

    /** Swap in use ({@code memory.swap.current}, bytes); v2 only, absent without swap accounting. */
    public Optional<ByteSize> readSwapCurrent() throws IOException {
        return v2(CgroupFile.MEMORY_SWAP_CURRENT, CgroupParser::parseBytes);
    }

    /** The breakdown ({@code memory.stat}); v2 only (v1 keys differ). */
    public Optional<MemoryStat> readStat() throws IOException {
        return v2(CgroupFile.MEMORY_STAT, MemoryStat::parseCgroup);
    }

    /** Event counters ({@code memory.events}); v2 only. */
    public Optional<MemoryEvents> readEvents() throws IOException {
        return v2(CgroupFile.MEMORY_EVENTS, MemoryEvents::parseCgroup);
    }

    /** Memory pressure ({@code memory.pressure}); v2 only. */
    public Optional<Pressure> readPressure() throws IOException {
        return v2(CgroupFile.MEMORY_PRESSURE, Pressure::parseCgroup);
    }

    private <T> Optional<T> v2(CgroupFile file, CgroupParser<T> parser) throws IOException {
        return version == CgroupVersion.V2 ? CgroupParser.read(dir, file, parser) : Optional.empty();
    }

    static Optional<MemoryMax> readMax(CgroupDir dir, CgroupVersion version) throws IOException {
        return version == CgroupVersion.V2
                ? CgroupParser.read(dir, CgroupFile.MEMORY_MAX, MemoryMax::parseCgroup)
                : CgroupParser.read(dir, CgroupFile.MEMORY_LIMIT_IN_BYTES, MemoryController::parseV1Limit);
    }

    static MemoryMax parseV1Limit(String raw, Path file) throws MalformedCgroupFileException {
        String value = raw.strip();
        if (value.equals("-1")) {
            return MemoryMax.unlimited();
        }
        long bytes = ByteSize.parseCount(value, raw, file);
        return bytes >= V1_UNLIMITED_MIN ? MemoryMax.unlimited() : MemoryMax.of(ByteSize.ofBytes(bytes));
    }
}
