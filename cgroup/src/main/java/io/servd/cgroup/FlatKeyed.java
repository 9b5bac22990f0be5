package io.servd.cgroup;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The kernel's "flat keyed" interface-file format ({@code cpu.stat}, {@code memory.stat},
 * {@code memory.events}): one {@code "KEY VALUE"} pair per line, values non-negative integers.
 */
record FlatKeyed(Map<String, Long> values, Path file, String raw) {

    FlatKeyed {
        values = Map.copyOf(values);
    }

    static FlatKeyed parse(String raw, Path file) throws MalformedCgroupFileException {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : raw.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] kv = line.strip().split(" +");
            if (kv.length != 2) {
                throw new MalformedCgroupFileException(file, line, "expected \"KEY VALUE\"");
            }
            long value = ByteSize.parseCount(kv[1], line, file);
            if (values.put(kv[0], value) != null) {
                throw new MalformedCgroupFileException(file, line, "repeated key");
            }
        }
        return new FlatKeyed(values, file, raw);
    }

    /** The value of a key the kernel always writes; its absence means the file is broken. */
    long required(String key) throws MalformedCgroupFileException {
        Long value = values.get(key);
        if (value == null) {
            throw new MalformedCgroupFileException(file, raw, "missing key [" + key + "]");
        }
        return value;
    }

    /** The value of a key that only some kernels or configurations write. */
    OptionalLong optional(String key) {
        Long value = values.get(key);
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }
}
