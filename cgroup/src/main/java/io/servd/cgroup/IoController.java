package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupFile;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/** Reads one cgroup v2 directory's io controller files; readers return empty when the file is absent. */
public final class IoController {

    private final CgroupDir dir;

    private IoController(CgroupDir dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    public static IoController of(CgroupDir dir) {
        return new IoController(dir);
    }

    /** Per-device counters ({@code io.stat}). */
    public Optional<IoStat> readStat() throws IOException {
        return CgroupParser.read(dir, CgroupFile.IO_STAT, IoStat::parseCgroup);
    }

    /** I/O pressure ({@code io.pressure}). */
    public Optional<Pressure> readPressure() throws IOException {
        return CgroupParser.read(dir, CgroupFile.IO_PRESSURE, Pressure::parseCgroup);
    }
}
