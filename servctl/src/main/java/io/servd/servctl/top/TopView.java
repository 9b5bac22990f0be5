package io.servd.servctl.top;

import io.servd.cgroup.unit.TimeSpan;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * How {@code servctl top} shows what it reads, set by systemd-cgtop's options and changed by its keys.
 *
 * @param order     the sort order ({@code --order}, {@code -p -t -c -m -i})
 * @param cpu       the CPU column as percent or as CPU time used so far ({@code --cpu}, key {@code %})
 * @param counting  what the Tasks column counts ({@code -P}, {@code -k})
 * @param recursive whether process counts include the subtree shown ({@code --recursive}); pids.current always does
 * @param raw       bytes and CPU time as plain numbers, not {@code 1.2G} or {@code 1min 2s} ({@code -r})
 * @param delay     time between refreshes ({@code -d}, keys {@code + -}); more than zero
 */
public record TopView(SortOrder order, CpuColumn cpu, Counting counting, boolean recursive, boolean raw,
                      Duration delay) {

    /** The least delay {@code -} goes down to, as in systemd-cgtop. */
    static final Duration MIN_KEY_DELAY = Duration.ofMillis(250);
    private static final Duration STEP_SMALL = Duration.ofMillis(250);
    private static final Duration STEP_LARGE = Duration.ofSeconds(1);

    public TopView {
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(counting, "counting");
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || delay.isZero()) {
            throw new IllegalArgumentException("delay must be more than zero [" + delay + "]");
        }
    }

    /** systemd-cgtop's defaults: by CPU percent, counting tasks recursively, human units, one second. */
    public static TopView defaults() {
        return new TopView(SortOrder.CPU, CpuColumn.PERCENTAGE, Counting.TASKS, true, false, Duration.ofSeconds(1));
    }

    TopView withOrder(SortOrder o) {
        return new TopView(o, cpu, counting, recursive, raw, delay);
    }

    TopView withCpu(CpuColumn c) {
        return new TopView(order, c, counting, recursive, raw, delay);
    }

    TopView withCounting(Counting c) {
        return new TopView(order, cpu, c, recursive, raw, delay);
    }

    TopView withRecursive(boolean r) {
        return new TopView(order, cpu, counting, r, raw, delay);
    }

    TopView withRaw(boolean r) {
        return new TopView(order, cpu, counting, recursive, r, delay);
    }

    TopView withDelay(Duration d) {
        return new TopView(order, cpu, counting, recursive, raw, d);
    }

    /** Key {@code +}: 250 ms more below one second, else one second more. */
    TopView slower() {
        return withDelay(delay.plus(delay.compareTo(STEP_LARGE) < 0 ? STEP_SMALL : STEP_LARGE));
    }

    /** Key {@code -}: down to 250 ms; 250 ms less below 1.25 s, else one second less. */
    TopView faster() {
        if (delay.compareTo(Duration.ofMillis(500)) <= 0) {
            return withDelay(MIN_KEY_DELAY);
        }
        return withDelay(delay.minus(delay.compareTo(Duration.ofMillis(1250)) < 0 ? STEP_SMALL : STEP_LARGE));
    }

    /** Parents sort before their children unless tasks are ordered and counted per cgroup only, as in cgtop. */
    boolean parentsFirst() {
        return order != SortOrder.TASKS || recursive;
    }

    /** The delay as systemd prints a time span: {@code 250ms}, {@code 1.250000s}, {@code 2s}. */
    String formatDelay() {
        return TimeSpan.ofMicros(TimeUnit.MICROSECONDS.convert(delay)).format();
    }

    /** The CPU column: {@code --cpu=percentage} (default) or {@code --cpu=time}. */
    public enum CpuColumn {
        PERCENTAGE, TIME;

        /** The name {@code --cpu=} takes. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        CpuColumn toggled() {
            return this == TIME ? PERCENTAGE : TIME;
        }
    }

    /** What the Tasks column counts, with cgtop's column titles. */
    public enum Counting {
        /** {@code pids.current}: threads too, of the whole subtree (the kernel counts them). */
        TASKS("Tasks", "tasks"),
        /** {@code -P}: the pids in {@code cgroup.procs} that are not kernel threads. */
        USERSPACE_PROCESSES("Procs", "userspace processes (excl. kernel)"),
        /** {@code -k}: every pid in {@code cgroup.procs}. */
        ALL_PROCESSES("Proc+", "all processes (incl. kernel)");

        private final String title;
        private final String description;

        Counting(String title, String description) {
            this.title = title;
            this.description = description;
        }

        /** The column title: {@code Tasks}, {@code Procs} or {@code Proc+}. */
        public String title() {
            return title;
        }

        /** What is counted, in cgtop's words. */
        public String description() {
            return description;
        }

        /** Keys {@code k} and {@code P}: switch to {@code to}, or back to tasks when already there. */
        Counting toggle(Counting to) {
            return this == to ? TASKS : to;
        }

        /** A JSON key for the count: {@code tasks} or {@code processes}. */
        String jsonKey() {
            return this == TASKS ? "tasks" : "processes";
        }
    }
}
