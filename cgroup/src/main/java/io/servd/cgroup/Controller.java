package io.servd.cgroup;

/** The controllers servd reads, with their names on cgroup v2 and v1. */
public enum Controller {
    CPU("cpu", "cpu"),
    MEMORY("memory", "memory"),
    PIDS("pids", "pids"),
    /** {@code io} on v2; its v1 ancestor is {@code blkio}. */
    IO("io", "blkio");

    private final String v2Name;
    private final String v1Name;

    Controller(String v2Name, String v1Name) {
        this.v2Name = v2Name;
        this.v1Name = v1Name;
    }

    /** The name in v2 {@code cgroup.controllers}, e.g. {@code "io"}. */
    public String v2Name() {
        return v2Name;
    }

    /** The name in v1 {@code /proc/<pid>/cgroup} lines and mount options, e.g. {@code "blkio"}. */
    public String v1Name() {
        return v1Name;
    }
}
