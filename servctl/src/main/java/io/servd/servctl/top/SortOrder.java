package io.servd.servctl.top;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How {@code servctl top} orders its rows, with systemd-cgtop's names and keys ({@code path tasks cpu memory
 * io}, keys {@code p t c m i}), plus {@code pressure} (key {@code s}), which cgtop lacks.
 *
 * <p>cgtop's order ({@code group_compare()}): the largest value first, rows without the value after those
 * with one, ties by path ({@link CgroupPath#compare}); and a parent always before its children, except when
 * ordering by tasks with {@code --recursive=no}, where a parent's count is not the sum of its children's.
 * cgtop puts the parent rule in its comparator, which is only consistent while a parent's value is at least
 * its children's (CPU, memory, IO and recursive counts are sums). To keep one total order when it is not
 * (a parent without the value, PSI), each row is ranked by the largest value in its shown subtree, then by
 * path: where values add up this is exactly cgtop's order, and a parent never follows its child.
 */
public enum SortOrder {
    PATH('p', true),
    TASKS('t', true),
    CPU('c', true),
    MEMORY('m', true),
    IO('i', true),
    PRESSURE('s', false);

    private final char key;
    private final boolean cgtopFlag;

    SortOrder(char key, boolean cgtopFlag) {
        this.key = key;
        this.cgtopFlag = cgtopFlag;
    }

    /** True when systemd-cgtop has this order as an option, {@code -}{@link #key()}; pressure is ours. */
    public boolean isCgtopFlag() {
        return cgtopFlag;
    }

    /** The key that selects this order in the live view. */
    public char key() {
        return key;
    }

    /** The lower-case name, as {@code --order} takes it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The order selected by {@code key} ({@code p t c m i s}), if any. */
    public static Optional<SortOrder> forKey(int key) {
        return Arrays.stream(values()).filter(o -> o.key == key).findFirst();
    }

    /** The order {@code --order=label} names, if any. */
    public static Optional<SortOrder> forLabel(String label) {
        return Arrays.stream(values()).filter(o -> o.label().equals(label)).findFirst();
    }

    /** The value ordered by; empty when the row lacks it, and always for {@link #PATH}. */
    OptionalDouble value(TopRow r, TopView.CpuColumn cpu) {
        return switch (this) {
            case PATH -> OptionalDouble.empty();
            case TASKS -> r.tasks().isPresent() ? OptionalDouble.of(r.tasks().getAsLong()) : OptionalDouble.empty();
            case CPU -> cpu == TopView.CpuColumn.TIME
                    ? r.cpuTime().map(t -> OptionalDouble.of(t.toNanos())).orElse(OptionalDouble.empty())
                    : r.cpuPercent();
            case MEMORY -> r.memory().map(m -> OptionalDouble.of(m.bytes())).orElse(OptionalDouble.empty());
            case IO -> r.ioPerSec();
            case PRESSURE -> r.pressureAvg10();
        };
    }

    /** {@code rows} in this order, as {@code view} shows them (its CPU column and counting); a new list. */
    public List<TopRow> sort(List<TopRow> rows, TopView view) {
        Map<String, Double> rank = new HashMap<>();
        for (TopRow r : rows) {
            OptionalDouble v = value(r, view.cpu());
            if (v.isEmpty()) {
                continue;
            }
            rank.merge(r.group(), v.getAsDouble(), Math::max);
            if (view.parentsFirst()) {
                for (String ancestor : CgroupPath.ancestors(r.group())) {
                    rank.merge(ancestor, v.getAsDouble(), Math::max);
                }
            }
        }
        Comparator<TopRow> byRank = Comparator.comparing((TopRow r) -> rank.get(r.group()),
                Comparator.nullsLast(Comparator.reverseOrder()));
        List<TopRow> sorted = new ArrayList<>(rows);
        sorted.sort(byRank.thenComparing(TopRow::group, CgroupPath::compare));
        return sorted;
    }
}
