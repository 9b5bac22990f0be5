package io.servd.cgroup.fs;

/**
 * The kernel's cgroup interface files we read or write, named as the kernel names them.
 * v2 names come from the cgroup-v2 documentation, v1 names from the per-controller v1 documents.
 */
public enum CgroupFile {
    // --- cgroup v2 core
    CGROUP_CONTROLLERS("cgroup.controllers"),
    // --- cgroup v2 cpu
    CPU_MAX("cpu.max"),
    CPU_WEIGHT("cpu.weight"),
    CPU_IDLE("cpu.idle"),
    CPU_STAT("cpu.stat"),
    CPU_PRESSURE("cpu.pressure"),
    // --- cgroup v2 cpuset
    CPUSET_CPUS("cpuset.cpus"),
    CPUSET_MEMS("cpuset.mems"),
    CPUSET_CPUS_EFFECTIVE("cpuset.cpus.effective"),
    // --- cgroup v2 memory
    MEMORY_MAX("memory.max"),
    MEMORY_HIGH("memory.high"),
    MEMORY_LOW("memory.low"),
    MEMORY_MIN("memory.min"),
    MEMORY_SWAP_MAX("memory.swap.max"),
    MEMORY_SWAP_CURRENT("memory.swap.current"),
    /** Linux 5.19+. */
    MEMORY_ZSWAP_MAX("memory.zswap.max"),
    MEMORY_CURRENT("memory.current"),
    MEMORY_PEAK("memory.peak"),
    MEMORY_STAT("memory.stat"),
    MEMORY_EVENTS("memory.events"),
    MEMORY_PRESSURE("memory.pressure"),
    // --- cgroup v2 pids and io
    PIDS_MAX("pids.max"),
    PIDS_CURRENT("pids.current"),
    IO_STAT("io.stat"),
    /** {@code default N} and {@code MAJ:MIN N} lines; only with a weight-based I/O policy (iocost, Linux 5.4+). */
    IO_WEIGHT("io.weight"),
    /** {@code MAJ:MIN rbps=… wbps=… riops=… wiops=…} lines, one per limited device (blk-throttle). */
    IO_MAX("io.max"),
    IO_PRESSURE("io.pressure"),
    // --- cgroup v1 (read only)
    CPU_CFS_QUOTA_US("cpu.cfs_quota_us"),
    CPU_CFS_PERIOD_US("cpu.cfs_period_us"),
    CPU_SHARES("cpu.shares"),
    CPUACCT_USAGE("cpuacct.usage"),
    MEMORY_LIMIT_IN_BYTES("memory.limit_in_bytes"),
    MEMORY_USAGE_IN_BYTES("memory.usage_in_bytes"),
    MEMORY_MAX_USAGE_IN_BYTES("memory.max_usage_in_bytes");

    private final String fileName;

    CgroupFile(String fileName) {
        this.fileName = fileName;
    }

    /** The name of the file inside a cgroup directory, e.g. {@code "cpu.max"}. */
    public String fileName() {
        return fileName;
    }

    @Override
    public String toString() {
        return fileName;
    }
}
