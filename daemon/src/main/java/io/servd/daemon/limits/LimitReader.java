package io.servd.daemon.limits;

import io.servd.cgroup.CgroupVersion;
import io.servd.cgroup.Controller;
import io.servd.cgroup.IoController;
import io.servd.cgroup.MemoryEvents;
import io.servd.cgroup.Pressure;
import io.servd.cgroup.ProcessCgroup;
import io.servd.cgroup.fs.CgroupDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads what the watcher follows, with the cgroup library's readers: the effective limits along the
 * ancestors ({@link ProcessCgroup#effectiveCpuMax()}, {@link ProcessCgroup#effectiveMemoryMax()},
 * {@link ProcessCgroup#effectiveMemoryHigh()},
 * {@link ProcessCgroup#effectiveCpuset()}) and the own cgroup's PSI and {@code memory.events}. A part
 * that cannot be read keeps its previous value and adds its exception to the caller's list.
 */
final class LimitReader {

    private final ProcessCgroup cgroup;
    private final int hostCpus;

    LimitReader(ProcessCgroup cgroup, int hostCpus) {
        this.cgroup = Objects.requireNonNull(cgroup, "cgroup");
        this.hostCpus = hostCpus;
    }

    /** Everything, with nothing to fall back on: a part that fails reads as absent. */
    WatchedLimits readAll(List<IOException> errors) {
        WatchedLimits none = new WatchedLimits(CpuLimits.host(hostCpus), MemoryLimits.none(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
        return readPolled(none, errors).withMemoryEvents(readMemoryEvents(none.memoryEvents(), errors));
    }

    /** The polled files: limits and pressure; {@code memory.events} is carried over from {@code previous}. */
    WatchedLimits readPolled(WatchedLimits previous, List<IOException> errors) {
        CpuLimits cpu = previous.cpu();
        MemoryLimits memory = previous.memory();
        // cpu and memory apart, so that one broken file does not hide the other controller's change
        try {
            cpu = new CpuLimits(cgroup.effectiveCpuMax(), cgroup.effectiveCpuset(), hostCpus);
        } catch (IOException e) {
            errors.add(e);
        }
        try {
            memory = new MemoryLimits(cgroup.effectiveMemoryMax(), cgroup.effectiveMemoryHigh());
        } catch (IOException e) {
            errors.add(e);
        }
        return new WatchedLimits(cpu, memory, previous.memoryEvents(),
                attempt(previous.cpuPressure(), cgroup.cpu().map(c -> c::readPressure), errors),
                attempt(previous.memoryPressure(), cgroup.memory().map(m -> m::readPressure), errors),
                attempt(previous.ioPressure(), ioPressure(), errors));
    }

    /** The own cgroup's {@code memory.events}; {@code previous} when it cannot be read. */
    Optional<MemoryEvents> readMemoryEvents(Optional<MemoryEvents> previous, List<IOException> errors) {
        return attempt(previous, cgroup.memory().map(m -> m::readEvents), errors);
    }

    private Optional<Read<Pressure>> ioPressure() {
        return cgroup.directory(Controller.IO).filter(d -> cgroup.version(Controller.IO)
                .orElse(CgroupVersion.V1) == CgroupVersion.V2).map(d -> IoController.of(d)::readPressure);
    }

    @FunctionalInterface
    private interface Read<T> {
        Optional<T> read() throws IOException;
    }

    /** What {@code read} reads: empty without a reader (no controller), {@code previous} when it fails. */
    private static <T> Optional<T> attempt(Optional<T> previous, Optional<Read<T>> read, List<IOException> errors) {
        if (read.isEmpty()) {
            return Optional.empty();
        }
        try {
            return read.get().read();
        } catch (IOException e) {
            errors.add(e);
            return previous;
        }
    }

    /** The own cgroup directory whose {@code memory.events} the kernel notifies; empty on v1. */
    Optional<Path> notifiedDirectory() {
        return cgroup.version(Controller.MEMORY).filter(v -> v == CgroupVersion.V2)
                .flatMap(v -> cgroup.directory(Controller.MEMORY)).map(CgroupDir::path);
    }

    /** The cgroup being read, for the log. */
    ProcessCgroup cgroup() {
        return cgroup;
    }
}
