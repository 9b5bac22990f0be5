package io.servd.agent.limits;

import io.servd.cgroup.CgroupWriter;
import io.servd.cgroup.ControllerNotEnabledException;
import io.servd.cgroup.unit.DropInWriter;
import io.servd.agent.units.UnitCgroup;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.Objects;
import java.util.Optional;

/**
 * Applies limits without systemd: the planned cgroup writes through {@link CgroupWriter} (validated,
 * read back, all or nothing), then the drop-ins through {@link DropInWriter}, so a later systemd (or a
 * reboot into one) keeps the same values. Cgroup first: it is the step that can be rolled back, and
 * it is the one the kernel may refuse.
 */
public final class CgroupfsLimitsApplier implements LimitsApplier {

    private final CgroupWriter writer;
    private final DropInWriter dropIns;

    /**
     * @param dropIns writes drop-ins below its root: {@code /} in production, a temp directory in tests
     */
    public CgroupfsLimitsApplier(CgroupWriter writer, DropInWriter dropIns) {
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
        try {
            writer.apply(cgroup.get().dir(), plan.cgroupWrites());
        } catch (ControllerNotEnabledException e) {
            throw new LimitsException(LimitsException.Reason.CONTROLLER_NOT_ENABLED, e.getMessage(), e);
        } catch (IOException e) {
            throw new LimitsException(deniedOr(e), e.getMessage(), e);
        }
        try {
            dropIns.write(plan.dropIns());
        } catch (IOException e) {
            throw new LimitsException(deniedOr(e), "cgroup of [" + plan.unit() + "] changed, but " + e.getMessage(), e);
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
