package io.servd.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
            String[] dev = f[0].split(":", -1); // -1: "8:16:" has three parts, not two
            if (dev.length != 2) {
                throw new MalformedCgroupFileException(file, line, "expected MAJ:MIN");
            }
            int major = deviceNumber(dev[0], line, file);
            int minor = deviceNumber(dev[1], line, file);
            // Parsed here rather than through FlatKeyed so that every message quotes the kernel's line.
            Map<String, Long> counters = new LinkedHashMap<>();
            for (int i = 1; i < f.length; i++) {
                int eq = f[i].indexOf('=');
                if (eq <= 0) {
                    throw new MalformedCgroupFileException(file, line, "expected KEY=VALUE");
                }
                long value = ByteSize.parseCount(f[i].substring(eq + 1), line, file);
                if (counters.put(f[i].substring(0, eq), value) != null) {
                    throw new MalformedCgroupFileException(file, line, "repeated key");
                }
            }
            if (f.length == 1) {
                // The kernel prints a bare "MAJ:MIN" for a device the cgroup has no statistics for yet
                // (captured: loop devices on Debian 12's 6.1); that is zero I/O, not a broken line.
                devices.add(new Device(major, minor, 0, 0, 0, 0, Map.of()));
                continue;
            }
            devices.add(new Device(major, minor, requiredIn(counters, "rbytes", line, file),
                    requiredIn(counters, "wbytes", line, file), requiredIn(counters, "rios", line, file),
                    requiredIn(counters, "wios", line, file), counters));
        }
        return new IoStat(devices);
    }

    /** A major or minor number: 12 and 20 bits in the kernel, so anything beyond an int is not one. */
    private static int deviceNumber(String field, String line, Path file) throws MalformedCgroupFileException {
        long n = ByteSize.parseCount(field, line, file);
        if (n > Integer.MAX_VALUE) {
            throw new MalformedCgroupFileException(file, line, "device number out of range");
        }
        return (int) n;
    }

    private static long requiredIn(Map<String, Long> counters, String key, String line, Path file)
            throws MalformedCgroupFileException {
        Long v = counters.get(key);
        if (v == null) {
            throw new MalformedCgroupFileException(file, line, "missing key [" + key + "]");
        }
        return v;
    }
}
