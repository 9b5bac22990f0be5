package io.servd.daemon.limits;

import io.servd.cgroup.MemoryEvents;
import io.servd.cgroup.Pressure;

import java.util.Locale;
import java.util.Objects;

/**
 * A change {@link LimitWatcher} noticed; each is logged once at INFO and handed to the listeners.
 */
public sealed interface LimitChange {

    /** One line for the log. */
    String describe();

    /** {@code cpu.max} of the cgroup or an ancestor, or {@code cpuset.cpus.effective}, changed. */
    record CpuLimitChanged(CpuLimits previous, CpuLimits current) implements LimitChange {
        public CpuLimitChanged {
            Objects.requireNonNull(previous, "previous");
            Objects.requireNonNull(current, "current");
        }

        @Override
        public String describe() {
            return "cpu limit changed from [" + previous.describe() + "] to [" + current.describe() + "]";
        }
    }

    /** {@code memory.max} or {@code memory.high} of the cgroup or an ancestor changed. */
    record MemoryLimitChanged(MemoryLimits previous, MemoryLimits current) implements LimitChange {
        public MemoryLimitChanged {
            Objects.requireNonNull(previous, "previous");
            Objects.requireNonNull(current, "current");
        }

        @Override
        public String describe() {
            return "memory limit changed from [" + previous.describe() + "] to [" + current.describe() + "]";
        }
    }

    /**
     * The own cgroup's {@code memory.events} counters rose (the kernel notifies this file). Counters
     * that rise together within one poll interval are reported once; {@code oom} and {@code oom_kill}
     * are reported at once.
     */
    record MemoryEvent(MemoryEvents previous, MemoryEvents current) implements LimitChange {
        public MemoryEvent {
            Objects.requireNonNull(previous, "previous");
            Objects.requireNonNull(current, "current");
        }

        /** Whether {@code oom} or {@code oom_kill} rose. */
        public boolean oom() {
            return current.oom() > previous.oom() || current.oomKill() > previous.oomKill();
        }

        @Override
        public String describe() {
            return "memory events: high [+" + (current.high() - previous.high()) + "] max [+"
                    + (current.max() - previous.max()) + "] oom [+" + (current.oom() - previous.oom())
                    + "] oom_kill [+" + (current.oomKill() - previous.oomKill()) + "]";
        }
    }

    /** A PSI resource of the own cgroup. */
    enum Resource {
        CPU, MEMORY, IO;

        /** {@code cpu}, {@code memory}, {@code io}, as in the file names. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The own cgroup's pressure on {@code resource} crossed the watcher's threshold: {@code high} once
     * {@code some avg10} reaches it, not high again once it falls below half of it (so that a value
     * hovering at the threshold does not log every second).
     *
     * @param high     whether the resource is now under pressure
     * @param pressure the reading that crossed
     */
    record PressureChanged(Resource resource, boolean high, Pressure pressure) implements LimitChange {
        public PressureChanged {
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(pressure, "pressure");
        }

        @Override
        public String describe() {
            return resource.label() + " pressure " + (high ? "high" : "eased") + ": some avg10 ["
                    + pressure.some().avg10() + "%] avg60 [" + pressure.some().avg60() + "%]";
        }
    }
}
