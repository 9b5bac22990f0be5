package io.servd.cgroup.unit;

import java.util.Map;
import java.util.Optional;

/**
 * Finds the block device an I/O directive's path means, as systemd's {@code lookup_block_device()}
 * (src/core/cgroup.c) does when it writes {@code io.weight}/{@code io.max}: {@link SysfsBlockDevices}
 * on a live host; a fixed table where the devices are another machine's (the VM oracle).
 */
@FunctionalInterface
public interface BlockDevices {

    /**
     * The device number systemd writes for {@code path}; empty when systemd finds none (no such file, a
     * character device, a file system without a local block device), in which case systemd logs a
     * warning and writes nothing for that device, and so does the plan.
     */
    Optional<DeviceNumber> resolve(String path);

    /**
     * No device resolves: no I/O device writes are planned. Printed as {@code BlockDevices.none()}, so that
     * a {@link HostResources} reads the same in two JVMs (the VM oracle compares them as text).
     */
    BlockDevices NONE = new BlockDevices() {
        @Override
        public Optional<DeviceNumber> resolve(String path) {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "BlockDevices.none()";
        }
    };

    /** {@link #NONE}. */
    static BlockDevices none() {
        return NONE;
    }

    /** Exactly the paths of {@code byPath}; printed as {@code BlockDevices.of(}the table{@code )}. */
    static BlockDevices of(Map<String, DeviceNumber> byPath) {
        Map<String, DeviceNumber> copy = Map.copyOf(byPath);
        return new BlockDevices() {
            @Override
            public Optional<DeviceNumber> resolve(String path) {
                return Optional.ofNullable(copy.get(path));
            }

            @Override
            public String toString() {
                return "BlockDevices.of(" + new java.util.TreeMap<>(copy) + ")";
            }
        };
    }
}
