package io.servd.cgroup;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code io.weight} (iocost, Linux 5.4+): the cgroup's default weight and its per-device weights, what
 * systemd's {@code IOWeight=} and {@code IODeviceWeight=} write.
 *
 * @param defaultWeight 1..10000, 100 unless set
 * @param devices       by device number ({@code "254:0"}), in the kernel's order
 */
public record IoWeight(int defaultWeight, Map<String, Integer> devices) {

    public IoWeight {
        devices = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(devices, "devices")));
    }

    /**
     * Parses the kernel's lines: {@code "default 100"} then {@code "254:0 500"} per device.
     *
     * @throws MalformedCgroupFileException when a line is neither, or a weight is not 1..10000
     */
    public static IoWeight parseCgroup(String raw, Path file) throws MalformedCgroupFileException {
        Integer defaultWeight = null;
        Map<String, Integer> devices = new LinkedHashMap<>();
        for (String line : raw.strip().split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length != 2 || !(f[0].equals("default") || f[0].matches("[0-9]{1,10}:[0-9]{1,10}"))) {
                throw new MalformedCgroupFileException(file, raw, "expected \"default N\" or \"MAJ:MIN N\" lines");
            }
            long weight = ByteSize.parseCount(f[1], raw, file);
            if (weight < 1 || weight > 10_000) {
                throw new MalformedCgroupFileException(file, raw, "weight out of range 1..10000 [" + f[1] + "]");
            }
            if (f[0].equals("default")) {
                defaultWeight = (int) weight;
            } else {
                devices.put(f[0], (int) weight);
            }
        }
        if (defaultWeight == null) {
            throw new MalformedCgroupFileException(file, raw, "no \"default N\" line");
        }
        return new IoWeight(defaultWeight, devices);
    }
}
