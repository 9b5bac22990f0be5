package io.servd.cgroup;

/** The version of one hierarchy: which file names and formats its controllers use. */
public enum CgroupVersion {
    /** Legacy hierarchies ({@code cgroup} file system), one per controller. */
    V1,
    /** The unified hierarchy ({@code cgroup2} file system). */
    V2
}
