package io.servd.servctl.top;

import io.servd.cgroup.CgroupSnapshot;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One refresh of {@code servctl top} for the batch and the live view alike: the {@link TopSampler}'s
 * snapshots, plus the process counts when the view counts processes ({@code -P}, {@code -k}); and the
 * rows two refreshes make, counted and ordered as the view says.
 */
final class TopReader {

    private final TopSampler sampler;
    private final ProcessCounter processes;
    private final UnitProcesses unitProcesses;

    TopReader(TopSampler sampler, ProcessCounter processes, UnitProcesses unitProcesses) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.processes = Objects.requireNonNull(processes, "processes");
        this.unitProcesses = Objects.requireNonNull(unitProcesses, "unitProcesses");
    }

    /** The drill-down's reader: one cgroup's processes. */
    UnitProcesses unitProcesses() {
        return unitProcesses;
    }

    TopSampler sampler() {
        return sampler;
    }

    /**
     * What one refresh read.
     *
     * @param snapshots by cgroup path, in path order
     * @param counting  what the Tasks column counts in this reading
     * @param processes the process counts by cgroup path; empty when counting tasks ({@code pids.current})
     */
    record Reading(Map<String, CgroupSnapshot> snapshots, TopView.Counting counting,
                   Map<String, OptionalLong> processes) {
        Reading {
            Objects.requireNonNull(snapshots, "snapshots"); // not copied: Map.copyOf would lose the path order
            Objects.requireNonNull(counting, "counting");
            processes = Map.copyOf(processes);
        }
    }

    /**
     * The rows of one screen or batch iteration.
     *
     * @param rows     in display order
     * @param interval wall time between the two readings
     * @param counting what the Tasks column holds
     * @param states   systemd's unit states from the agent, {@link UnitStates.Snapshot#NONE} without one
     */
    record Frame(List<TopRow> rows, Duration interval, TopView.Counting counting, UnitStates.Snapshot states) {
        Frame {
            rows = List.copyOf(rows);
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(counting, "counting");
            Objects.requireNonNull(states, "states");
        }

        Frame(List<TopRow> rows, Duration interval, TopView.Counting counting) {
            this(rows, interval, counting, UnitStates.Snapshot.NONE);
        }

        /** This frame with the agent's last answer. */
        Frame withStates(UnitStates.Snapshot s) {
            return new Frame(rows, interval, counting, s);
        }
    }

    /** Reads every cgroup, and counts processes when {@code view} says so. */
    Reading read(TopView view) throws IOException {
        Map<String, CgroupSnapshot> snapshots = sampler.read();
        Map<String, OptionalLong> counts = view.counting() == TopView.Counting.TASKS ? Map.of()
                : processes.count(snapshots.keySet(), view.counting(), view.recursive());
        return new Reading(snapshots, view.counting(), counts);
    }

    /** The rows between two readings, counted as {@code later} was, sorted as {@code view} says. */
    static Frame frame(Reading earlier, Reading later, TopView view) {
        List<TopRow> rows = TopRows.between(earlier.snapshots(), later.snapshots());
        if (later.counting() != TopView.Counting.TASKS) {
            rows = rows.stream().map(r -> r.withTasks(later.processes().getOrDefault(r.group(), OptionalLong.empty())))
                    .toList();
        }
        return new Frame(view.order().sort(rows, view), interval(earlier.snapshots(), later.snapshots()),
                later.counting());
    }

    /** {@code frame} ordered anew, for a key that changed the order or the CPU column. */
    static Frame resort(Frame frame, TopView view) {
        return new Frame(view.order().sort(frame.rows(), view), frame.interval(), frame.counting(), frame.states());
    }

    /** Wall time between two refreshes: from the first reading of each. */
    static Duration interval(Map<String, CgroupSnapshot> previous, Map<String, CgroupSnapshot> current) {
        if (previous.isEmpty() || current.isEmpty()) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(current.values().iterator().next().nanoTime()
                - previous.values().iterator().next().nanoTime());
    }
}
