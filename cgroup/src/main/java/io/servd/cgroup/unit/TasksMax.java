package io.servd.cgroup.unit;

import io.servd.cgroup.CgroupWrite;
import io.servd.cgroup.Limit;
import io.servd.cgroup.fs.CgroupFile;

import java.util.List;
import java.util.Objects;

/**
 * {@code TasksMax=}: a count, a percentage of the system's task limit
 * ({@link HostResources#systemTasksMax()}), or {@code infinity}; empty means infinity, as
 * {@code systemctl set-property} sends it.
 *
 * @param value the parsed value
 */
public record TasksMax(Value value) implements ResourceDirective {

    /** A count, a share of the system limit, or no limit. */
    public sealed interface Value permits Count, Percent, Infinity {
    }

    public record Count(long tasks) implements Value {
        public Count {
            if (tasks < 1) {
                throw new InvalidDirectiveException("TasksMax", Long.toString(tasks), "out of range");
            }
        }
    }

    public record Percent(Permyriad share) implements Value {
        public Percent {
            Objects.requireNonNull(share, "share");
            if (share.value() < 1 || share.value() > 10_000) {
                throw new InvalidDirectiveException("TasksMax", share.formatPercent(), "out of range");
            }
        }
    }

    public record Infinity() implements Value {
    }

    public TasksMax {
        Objects.requireNonNull(value, "value");
    }

    /**
     * Parses as {@code systemctl set-property} does: {@code infinity}/empty, {@code parse_permyriad()}, or a
     * positive count.
     *
     * @throws InvalidDirectiveException naming {@code text}
     */
    public static TasksMax parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty() || text.equals("infinity")) {
            return new TasksMax(new Infinity());
        }
        if (Permyriad.looksLike(text)) {
            Permyriad share = Permyriad.parse("TasksMax", text, true);
            // systemd's TasksMaxScale property takes 0 < scale < UINT32_MAX: set-property rejects 100%
            // ("Value specified in TasksMaxScale is out of range", systemd 252, seen in the VM oracle),
            // although MemoryMax=100% is accepted. A unit file's TasksMax=100% is taken by systemd; we
            // refuse it everywhere, since planning follows set-property.
            if (share.toUint32Scale() < 1 || share.toUint32Scale() >= Permyriad.UINT32_MAX) {
                throw new InvalidDirectiveException("TasksMax", text, "out of range");
            }
            return new TasksMax(new Percent(share));
        }
        if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9') || text.length() > 18) {
            throw new InvalidDirectiveException("TasksMax", text, "not a number, percentage or \"infinity\"");
        }
        long tasks = Long.parseLong(text);
        if (tasks < 1) {
            throw new InvalidDirectiveException("TasksMax", text, "out of range");
        }
        return new TasksMax(new Count(tasks));
    }

    @Override
    public DirectiveKind kind() {
        return DirectiveKind.TASKS_MAX;
    }

    @Override
    public String format() {
        if (value instanceof Count c) {
            return Long.toString(c.tasks());
        }
        if (value instanceof Percent p) {
            return p.share().formatPercent();
        }
        return "infinity";
    }

    /**
     * {@code TasksMax=N}, {@code TasksMax=infinity}, or {@code TasksMax=NN.NN%}. For percentages this is
     * the corrected form of systemd PR #41011: systemd 252 up to 259 writes a value ten times too small
     * ({@code TasksMax=4.0%} for 40%, issue #41009), which silently lowers the limit at the next
     * daemon-reload; we do not reproduce that.
     */
    @Override
    public String dropInLine() {
        return "TasksMax=" + format();
    }

    /**
     * {@code TasksMax t <count>}, {@code TasksMax t UINT64_MAX} ({@code CGROUP_LIMIT_MAX}) for infinity, or
     * {@code TasksMaxScale u <share of UINT32_MAX>} for a percentage.
     */
    @Override
    public DbusProperty dbusProperty() {
        if (value instanceof Count c) {
            return DbusProperty.uint64(name(), c.tasks());
        }
        if (value instanceof Percent p) {
            return DbusProperty.uint32(kind().scaleProperty(), p.share().toUint32Scale());
        }
        return DbusProperty.uint64(name(), DbusProperty.UINT64_MAX);
    }

    /**
     * The task limit systemd applies: percentages via {@code system_tasks_max_scale()} on the 32-bit scale.
     *
     * @return a count, or Unlimited for infinity
     */
    public Limit<Long> resolve(HostResources host) {
        if (value instanceof Count c) {
            return Limit.atMost(c.tasks());
        }
        if (value instanceof Percent p) {
            return Limit.atMost(host.scaleTasks(p.share().toUint32Scale(), Permyriad.UINT32_MAX));
        }
        return Limit.unlimited();
    }

    /** {@code pids.max=<count>}, or {@code pids.max=max} for infinity. */
    public CgroupWrite cgroupWrite(HostResources host) {
        Limit<Long> limit = resolve(host);
        return new CgroupWrite(CgroupFile.PIDS_MAX,
                limit instanceof Limit.AtMost<Long> atMost ? Long.toString(atMost.value()) : "max");
    }

    /** {@link #cgroupWrite(HostResources)}; {@code pids.max} does not depend on other directives. */
    @Override
    public List<CgroupWrite> cgroupWrites(HostResources host, CgroupSettings settings) {
        return List.of(cgroupWrite(host));
    }
}
