package io.servd.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Per-device I/O counters of a cgroup ({@code io.stat}), cumulative:
 * {@code 8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0}.
 *
 * @param devices one entry per block device with activity; empty when there was none
 */
public record IoStat(List<Device> devices) {

    public IoStat {
        devices = List.copyOf(devices);
    }

    /**
     * One device line.
     *
     * @param readBytes  bytes read ({@code rbytes})
     * @param writeBytes bytes written ({@code wbytes})
     * @param readIos    read operations ({@code rios})
     * @param writeIos   write operations ({@code wios})
     * @param counters   every counter of the line, including discard counters where present
     */
    public record Device(int major, int minor, long readBytes, long writeBytes, long readIos, long writeIos,
                         Map<String, Long> counters) {
        public Device {
            counters = Map.copyOf(counters);
        }

        /** A counter by its kernel name, e.g. {@code "dbytes"}; empty when absent. */
        public OptionalLong counter(String key) {
            Long v = counters.get(key);
            return v == null ? OptionalLong.empty() : OptionalLong.of(v);
        }
    }

    /** Bytes read summed over all devices. */
    public long readBytes() {
        return devices.stream().mapToLong(Device::readBytes).sum();
    }

    /** Bytes written summed over all devices. */
    public long writeBytes() {
        return devices.stream().mapToLong(Device::writeBytes).sum();
    }

    /**
     * Parses {@code io.stat} ("nested keyed": {@code MAJ:MIN KEY=VALUE ...}).
     *
     * @throws MalformedCgroupFileException when a line is malformed, or has counters but lacks one of
     *                                      rbytes/wbytes/rios/wios
     */
    public static IoStat parseCgroup(String raw, Path file) throws MalformedCgroupFileException {
        List<Device> devices = new ArrayList<>();
        for (String line : raw.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split(" +");
            String[] dev = f[0].split(":");
            if (dev.length != 2) {
                throw new MalformedCgroupFileException(file, line, "expected MAJ:MIN");
            }
            int major = (int) Math.min(Integer.MAX_VALUE, ByteSize.parseCount(dev[0], line, file));
            int minor = (int) Math.min(Integer.MAX_VALUE, ByteSize.parseCount(dev[1], line, file));
            StringBuilder kvs = new StringBuilder();
            for (int i = 1; i < f.length; i++) {
                int eq = f[i].indexOf('=');
                if (eq <= 0) {
                    throw new MalformedCgroupFileException(file, line, "expected KEY=VALUE");
                }
                kvs.append(f[i], 0, eq).append(' ').append(f[i].substring(eq + 1)).append('\n');
            }
            FlatKeyed kv = FlatKeyed.parse(kvs.toString(), file);
            if (f.length == 1) {
                // The kernel prints a bare "MAJ:MIN" for a device the cgroup has no statistics for yet
                // (captured: loop devices on Debian 12's 6.1); that is zero I/O, not a broken line.
                devices.add(new Device(major, minor, 0, 0, 0, 0, Map.of()));
                continue;
            }
            devices.add(new Device(major, minor, requiredIn(kv, "rbytes", line, file), requiredIn(kv, "wbytes", line, file),
                    requiredIn(kv, "rios", line, file), requiredIn(kv, "wios", line, file), kv.values()));
        }
        return new IoStat(devices);
    }

    private static long requiredIn(FlatKeyed kv, String key, String line, Path file) throws MalformedCgroupFileException {
        OptionalLong v = kv.optional(key);
        if (v.isEmpty()) {
            throw new MalformedCgroupFileException(file, line, "missing key [" + key + "]");
        }
        return v.getAsLong();
    }
}
