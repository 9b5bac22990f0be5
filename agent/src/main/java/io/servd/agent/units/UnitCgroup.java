package io.servd.agent.units;

import io.servd.cgroup.fs.CgroupDir;
import java.util.Objects;

/**
 * A unit and the cgroup directory systemd made for it.
 *
 * @param unit the unit's name, e.g. {@code foo.service}; {@code -.slice} for the root cgroup
 * @param dir  its cgroup directory
 */
public record UnitCgroup(String unit, CgroupDir dir) {
    public UnitCgroup {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(dir, "dir");
    }
}
