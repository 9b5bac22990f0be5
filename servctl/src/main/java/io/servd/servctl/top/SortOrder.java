package io.servd.servctl.top;

import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * How {@code servctl top} orders its rows, with systemd-cgtop's keys: the largest first, rows without
 * the value last, ties by path. {@code p} orders by pressure here (cgtop uses it for path).
 */
public enum SortOrder {
    CPU('c', TopRow::cpuPercent),
    MEMORY('m', r -> r.memory().map(m -> OptionalDouble.of(m.bytes())).orElse(OptionalDouble.empty())),
    TASKS('t', r -> r.tasks().isPresent() ? OptionalDouble.of(r.tasks().getAsLong()) : OptionalDouble.empty()),
    IO('i', TopRow::ioPerSec),
    PRESSURE('p', TopRow::pressureAvg10);

    private final char key;
    private final Function<TopRow, OptionalDouble> value;

    SortOrder(char key, Function<TopRow, OptionalDouble> value) {
        this.key = key;
        this.value = value;
    }

    /** The key that selects this order in the live view. */
    public char key() {
        return key;
    }

    /** Largest value first; absent values last; then by cgroup path. */
    public Comparator<TopRow> comparator() {
        return Comparator.<TopRow>comparingDouble(r -> -value.apply(r).orElse(Double.NEGATIVE_INFINITY))
                .thenComparing(TopRow::group);
    }

    /** The order selected by {@code key} ({@code c m t i p}), if any. */
    public static Optional<SortOrder> forKey(int key) {
        for (SortOrder o : values()) {
            if (o.key == key) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    /** The lower-case name, as {@code --order} takes it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
