package io.servd.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code io.max} (blk-throttle): one line per limited device, what systemd's {@code IOReadBandwidthMax=},
 * {@code IOWriteBandwidthMax=}, {@code IOReadIOPSMax=} and {@code IOWriteIOPSMax=} write.
 *
 * @param devices in the kernel's order; empty when no device is limited (the file is empty)
 */
public record IoMax(List<Device> devices) {

    /**
     * One device's limits, Unlimited for {@code max}.
     *
     * @param device e.g. {@code "254:0"}
     * @param rbps   bytes per second read
     * @param wbps   bytes per second written
     * @param riops  read operations per second
     * @param wiops  write operations per second
     */
    public record Device(String device, Limit<Long> rbps, Limit<Long> wbps, Limit<Long> riops, Limit<Long> wiops) {
        public Device {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(rbps, "rbps");
            Objects.requireNonNull(wbps, "wbps");
            Objects.requireNonNull(riops, "riops");
            Objects.requireNonNull(wiops, "wiops");
        }
    }

    public IoMax {
        devices = List.copyOf(devices);
    }

    private static final List<String> KEYS = List.of("rbps", "wbps", "riops", "wiops");

    /**
     * Parses the kernel's lines: {@code "254:0 rbps=1000000 wbps=max riops=max wiops=max"}.
     *
     * @throws MalformedCgroupFileException when a line has another form
     */
    public static IoMax parseCgroup(String raw, Path file) throws MalformedCgroupFileException {
        List<Device> devices = new ArrayList<>();
        for (String line : raw.strip().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split(" ");
            if (f.length != 5 || !f[0].matches("[0-9]{1,10}:[0-9]{1,10}")) {
                throw new MalformedCgroupFileException(file, raw, "expected \"MAJ:MIN rbps=N wbps=N riops=N wiops=N\" lines");
            }
            List<Limit<Long>> limits = new ArrayList<>();
            for (int i = 0; i < KEYS.size(); i++) {
                if (!f[i + 1].startsWith(KEYS.get(i) + "=")) {
                    throw new MalformedCgroupFileException(file, raw, "expected [" + KEYS.get(i) + "=] in [" + line + "]");
                }
                String value = f[i + 1].substring(KEYS.get(i).length() + 1);
                limits.add(value.equals("max") ? Limit.unlimited() : Limit.atMost(ByteSize.parseCount(value, raw, file)));
            }
            devices.add(new Device(f[0], limits.get(0), limits.get(1), limits.get(2), limits.get(3)));
        }
        return new IoMax(devices);
    }
}
