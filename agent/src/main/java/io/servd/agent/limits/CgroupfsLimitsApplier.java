package io.servd.agent.limits;

import io.servd.cgroup.CgroupWrite;
import io.servd.cgroup.CgroupWriteException;
import io.servd.cgroup.CgroupWriter;
import io.servd.cgroup.ControllerNotEnabledException;
import io.servd.cgroup.unit.DropIn;
import io.servd.cgroup.unit.DropInWriter;
import io.servd.agent.units.UnitCgroup;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Applies limits without systemd: the planned cgroup writes through {@link CgroupWriter} (validated,
 * read back, all or nothing), then the drop-ins through {@link DropInWriter}, so a later systemd (or a
 * reboot into one) keeps the same values. Cgroup first: it is the one the kernel may refuse, and it
 * can be rolled back: when the drop-ins then fail, the cgroup files get back the values the writer
 * read before writing, so the unit is left as it was (all or nothing). Blocks on disk and cgroupfs
 * writes: call it off the event loops.
 */
public final class CgroupfsLimitsApplier implements LimitsApplier {

    /** Writes a set of drop-ins, all or none: {@link DropInWriter#write}; a seam for tests that make it fail. */
    @FunctionalInterface
    interface DropIns {
        void write(List<DropIn> dropIns) throws IOException;
    }

    private final CgroupWriter writer;
    private final DropIns dropIns;

    /**
     * @param dropIns writes drop-ins below its root: {@code /} in production, a temp directory in tests
     */
    public CgroupfsLimitsApplier(CgroupWriter writer, DropInWriter dropIns) {
        this(writer, Objects.requireNonNull(dropIns, "dropIns")::write);
    }

    CgroupfsLimitsApplier(CgroupWriter writer, DropIns dropIns) {
        this.writer = Objects.requireNonNull(writer, "writer");
        this.dropIns = Objects.requireNonNull(dropIns, "dropIns");
    }

    @Override
    public String name() {
        return "cgroupfs";
    }

    @Override
    public void apply(LimitsPlan plan, Optional<UnitCgroup> cgroup) throws LimitsException {
        if (cgroup.isEmpty()) {
            throw new LimitsException(LimitsException.Reason.NO_SUCH_UNIT,
                    "no cgroup for unit [" + plan.unit() + "]", null);
        }
        if (plan.cgroupWrites().isEmpty() && !plan.directives().isEmpty()) {
            throw new LimitsException(LimitsException.Reason.UNAVAILABLE,
                    "host resources unknown: cannot plan cgroup writes for [" + plan.unit() + "]", null);
        }
        List<CgroupWrite> undo;
        try {
            undo = writer.apply(cgroup.get().dir(), plan.cgroupWrites());
        } catch (ControllerNotEnabledException e) {
            throw new LimitsException(LimitsException.Reason.CONTROLLER_NOT_ENABLED, e.getMessage(), e);
        } catch (IOException e) {
            throw new LimitsException(deniedOr(e), e.getMessage(), e);
        }
        try {
            dropIns.write(plan.dropIns());
        } catch (IOException e) {
            try {
                writer.restore(cgroup.get().dir(), undo);
            } catch (CgroupWriteException r) {
                e.addSuppressed(r);
                throw new LimitsException(deniedOr(e), "cgroup of [" + plan.unit() + "] changed and could not be restored ("
                        + r.getMessage() + "), and " + e.getMessage(), e);
            }
            throw new LimitsException(deniedOr(e), "nothing changed for [" + plan.unit() + "]: cgroup values restored after "
                    + e.getMessage(), e);
        }
    }

    private static LimitsException.Reason deniedOr(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AccessDeniedException) {
                return LimitsException.Reason.DENIED;
            }
        }
        return LimitsException.Reason.FAILED;
    }
}
