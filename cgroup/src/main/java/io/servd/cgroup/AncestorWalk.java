package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;

import java.io.IOException;
import java.util.Comparator;
import java.util.Optional;

/**
 * The effective limit of a cgroup: the strictest value among the cgroup and its ancestors up to the
 * hierarchy's mount root, since the kernel enforces every ancestor's limit on its descendants.
 */
final class AncestorWalk {

    /** Reads one level's value; empty when the file is not there (controller not enabled at that level). */
    @FunctionalInterface
    interface LevelReader<T> {
        Optional<T> read(CgroupDir dir, CgroupVersion version) throws IOException;
    }

    private AncestorWalk() {
    }

    /**
     * @param looser orders values from strictest to loosest
     * @return empty when no level has the file; on ties the deepest cgroup is named
     * @throws CgroupException when the process's cgroup directory does not exist
     */
    static <T> Optional<EffectiveLimit<T>> strictest(Hierarchy h, LevelReader<T> reader, Comparator<T> looser)
            throws IOException {
        if (!h.dir().exists()) {
            throw new CgroupException("cgroup [" + h.cgroupPath(h.dir()) + "] has no directory at ["
                    + h.dir().path() + "]");
        }
        Optional<EffectiveLimit<T>> best = Optional.empty();
        Optional<CgroupDir> level = Optional.of(h.dir());
        while (level.isPresent()) {
            CgroupDir dir = level.get();
            Optional<T> value = reader.read(dir, h.version());
            if (value.isPresent()
                    && (best.isEmpty() || looser.compare(value.get(), best.get().value()) < 0)) {
                best = Optional.of(new EffectiveLimit<>(value.get(), h.cgroupPath(dir)));
            }
            level = dir.parent();
        }
        return best;
    }
}
