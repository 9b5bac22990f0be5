package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;

import java.io.IOException;

/** Entry point: discover the cgroups of this process or of any pid. */
public final class Cgroups {

    private Cgroups() {
    }

    /**
     * This process's cgroups, from {@code /proc/self/cgroup} and {@code /proc/self/mountinfo}.
     *
     * @throws MalformedCgroupFileException when either file cannot be parsed
     * @throws CgroupException              when the cgroup is outside every mount of its hierarchy
     * @throws IOException                  when {@code /proc} cannot be read
     */
    public static ProcessCgroup self() throws IOException {
        return self(ProcFs.system(), CgroupRoot.system());
    }

    /**
     * The cgroups of process {@code pid}, from {@code /proc/<pid>/cgroup} and its mountinfo.
     *
     * @throws java.nio.file.NoSuchFileException when there is no such process
     * @throws IOException                       as for {@link #self()}
     */
    public static ProcessCgroup of(long pid) throws IOException {
        return of(ProcFs.system(), pid, CgroupRoot.system());
    }

    /**
     * As {@link #self()}, with {@code /proc} at {@code proc} and {@code /sys/fs/cgroup} at {@code base}:
     * for libraries that take their roots as parameters (a temp-dir tree in their tests).
     */
    public static ProcessCgroup self(ProcFs proc, CgroupRoot base) throws IOException {
        return CgroupDiscovery.discover(proc.selfCgroupFile(), proc.selfMountInfoFile(), base);
    }

    /** As {@link #of(long)}, with {@code /proc} at {@code proc} and {@code /sys/fs/cgroup} at {@code base}. */
    static ProcessCgroup of(ProcFs proc, long pid, CgroupRoot base) throws IOException {
        return CgroupDiscovery.discover(proc.cgroupFile(pid), proc.mountInfoFile(pid), base);
    }
}
