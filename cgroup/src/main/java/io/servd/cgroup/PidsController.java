package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupFile;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads one cgroup's pids controller files (the same names on v1 and v2). Readers return empty when
 * the file is absent (controller not enabled; the root cgroup has no {@code pids.max}).
 */
public final class PidsController {

    private final CgroupDir dir;

    private PidsController(CgroupDir dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    public static PidsController of(CgroupDir dir) {
        return new PidsController(dir);
    }

    /** The task limit ({@code pids.max}). */
    public Optional<PidsMax> readMax() throws IOException {
        return CgroupParser.read(dir, CgroupFile.PIDS_MAX, PidsMax::parseCgroup);
    }

    /** Tasks (processes and threads) in the cgroup and its descendants ({@code pids.current}). */
    public Optional<Long> readCurrent() throws IOException {
        return CgroupParser.read(dir, CgroupFile.PIDS_CURRENT,
                (raw, file) -> ByteSize.parseCount(raw.strip(), raw, file));
    }
}
