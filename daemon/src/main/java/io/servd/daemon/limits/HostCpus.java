package io.servd.daemon.limits;

import io.servd.cgroup.CpusetCpus;
import io.servd.cgroup.MalformedCgroupFileException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPUs online on the host, the most a cgroup limit can ever allow. Not
 * {@code Runtime.availableProcessors()}: the JVM already caps it by the quota (so a service started
 * under {@code CPUQuota=50%} would see 1 and could never grow), and {@code -XX:ActiveProcessorCount}
 * (which servd-java sets) freezes it.
 */
final class HostCpus {

    /** The kernel's list of online CPUs, in the cpu-list format of {@code cpuset.cpus.effective}. */
    static final Path ONLINE = Path.of("/sys/devices/system/cpu/online");

    private HostCpus() {
    }

    /**
     * The count of {@code online}; {@code fallback} when the file is absent, unreadable or empty.
     *
     * @throws MalformedCgroupFileException when the file is there but is not a cpu list
     */
    static int read(Path online, int fallback) throws MalformedCgroupFileException {
        String raw;
        try {
            raw = Files.readString(online, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return fallback;
        }
        int count = CpusetCpus.parseCgroup(raw, online).count();
        return count > 0 ? count : fallback;
    }
}
