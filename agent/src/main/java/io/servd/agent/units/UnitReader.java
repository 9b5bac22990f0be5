package io.servd.agent.units;

import io.servd.cgroup.CpuController;
import io.servd.cgroup.IoController;
import io.servd.cgroup.MemoryController;
import io.servd.cgroup.MemoryHigh;
import io.servd.cgroup.MemoryMax;
import io.servd.cgroup.PidsController;
import io.servd.cgroup.PidsMax;
import io.servd.cgroup.fs.CgroupDir;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a {@link UnitStatus} from a cgroup v2 directory. One bad file does not hide the others:
 * its value is empty and its failure is listed in {@link UnitStatus#errors()}.
 */
public final class UnitReader {

    private UnitReader() {
    }

    /** Reads every limit and counter of {@code unit}. */
    public static UnitStatus read(UnitCgroup unit) {
        CgroupDir dir = unit.dir();
        List<String> errors = new ArrayList<>();
        CpuController cpu = CpuController.of(dir);
        MemoryController memory = MemoryController.of(dir);
        PidsController pids = PidsController.of(dir);
        IoController io = IoController.of(dir);
        Optional<Boolean> idle = attempt(errors, cpu::readIdle);
        // empty for an idle cgroup (cpu.weight shows 0 then): CpuController.readWeight
        Optional<io.servd.cgroup.CpuWeight> weight = attempt(errors, cpu::readWeight);
        var limits = new UnitStatus.Limits(
                attempt(errors, () -> memory.readMax().map(MemoryMax::limit)),
                attempt(errors, () -> memory.readHigh().map(MemoryHigh::limit)),
                attempt(errors, cpu::readMax),
                weight,
                idle,
                attempt(errors, () -> pids.readMax().map(PidsMax::limit)));
        var usage = new UnitStatus.Usage(
                attempt(errors, cpu::readStat),
                attempt(errors, memory::readCurrent),
                attempt(errors, memory::readPeak),
                attempt(errors, pids::readCurrent),
                attempt(errors, io::readStat),
                attempt(errors, memory::readEvents),
                attempt(errors, cpu::readPressure),
                attempt(errors, memory::readPressure),
                attempt(errors, io::readPressure));
        return new UnitStatus(unit.unit(), dir.group(), limits, usage, errors);
    }

    @FunctionalInterface
    private interface Read<T> {
        Optional<T> read() throws IOException;
    }

    private static <T> Optional<T> attempt(List<String> errors, Read<T> read) {
        try {
            return read.read();
        } catch (IOException | RuntimeException e) {
            errors.add(String.valueOf(e.getMessage()));
            return Optional.empty();
        }
    }
}
