package io.servd.cgroup;

import java.util.Comparator;
import java.util.Objects;

/**
 * A limit that is either {@link Unlimited} (cgroup {@code max}, systemd {@code infinity}) or
 * {@link AtMost} a value. Absence of a limit file is not a {@code Limit}: readers return an empty
 * {@code Optional} for that.
 *
 * @param <T> the limited quantity, e.g. {@link ByteSize} or {@link java.time.Duration}
 */
public sealed interface Limit<T> permits Limit.Unlimited, Limit.AtMost {

    /** No limit: the file says {@code max}. */
    record Unlimited<T>() implements Limit<T> {
    }

    /** A limit of {@code value}. */
    record AtMost<T>(T value) implements Limit<T> {
        public AtMost {
            Objects.requireNonNull(value, "value");
        }
    }

    static <T> Limit<T> unlimited() {
        return new Unlimited<>();
    }

    static <T> Limit<T> atMost(T value) {
        return new AtMost<>(value);
    }

    /**
     * Orders limits from strictest to loosest: {@link AtMost} values by {@code values} (smaller first),
     * then {@link Unlimited}, which is looser than any value.
     */
    static <T> Comparator<Limit<T>> strictestFirst(Comparator<T> values) {
        Objects.requireNonNull(values, "values");
        return (a, b) -> {
            if (a instanceof AtMost<T> x) {
                return b instanceof AtMost<T> y ? values.compare(x.value(), y.value()) : -1;
            }
            return b instanceof AtMost ? 1 : 0;
        };
    }

    /** Whether this is {@link Unlimited}. */
    default boolean isUnlimited() {
        return this instanceof Unlimited;
    }
}
