package io.servd.cgroup;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The memory breakdown of a cgroup ({@code memory.stat}). Keys vary by kernel version, so they are
 * kept as the kernel names them; most are bytes, those ending in {@code pg*}/{@code workingset_*}/
 * {@code thp_*} are event counts (see the kernel's cgroup-v2 documentation).
 *
 * @param values every key of the file and its value
 */
public record MemoryStat(Map<String, Long> values) {

    public MemoryStat {
        values = Map.copyOf(values);
    }

    /** Parses {@code memory.stat}. */
    public static MemoryStat parseCgroup(String raw, Path file) throws MalformedCgroupFileException {
        return new MemoryStat(FlatKeyed.parse(raw, file).values());
    }

    /** The value of {@code key}; empty when this kernel does not report it. */
    public OptionalLong value(String key) {
        Long v = values.get(key);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** Anonymous memory ({@code anon}, bytes); empty when not reported. */
    public Optional<ByteSize> anon() {
        return bytes("anon");
    }

    /** Page cache ({@code file}, bytes); empty when not reported. */
    public Optional<ByteSize> file() {
        return bytes("file");
    }

    private Optional<ByteSize> bytes(String key) {
        Long v = values.get(key);
        return v == null ? Optional.empty() : Optional.of(ByteSize.ofBytes(v));
    }
}
