package io.servd.agent.config;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.unit.MemoryDirective;
import io.servd.cgroup.unit.TimeSpan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code [History]}: how servd records every unit's usage, limits, pressure and state to disk for
 * {@code GET /v1/units/{unit}/history}, {@code GET /v1/history?at=} and {@code servctl top --replay}.
 * The store is bounded twice: whole oldest segments go when they are older than {@code retention} or
 * when the store is larger than {@code maxSize}, whichever comes first.
 *
 * @param interval  how often every unit is recorded; {@code IntervalSec=5s}, at least 1 s (a finer
 *                  interval would cost more CPU than the agent's {@code CPUQuota=} allows at 1,000 units)
 * @param retention how long samples are kept; {@code RetentionSec=7d}
 * @param maxSize   the most the store may take on disk; {@code MaxSize=256M} (systemd's size syntax, base 1024),
 *                  at least {@link #MIN_SIZE}
 * @param directory where the segments are written; {@code Directory=}, an absolute path; empty:
 *                  {@code $STATE_DIRECTORY/history} (systemd sets it from {@code StateDirectory=servd}),
 *                  and no history at all when that is not set either ({@link #directoryIn})
 */
public record HistorySettings(Duration interval, Duration retention, ByteSize maxSize, Optional<Path> directory) {
    /** Below this a store could not hold one segment of a large host. */
    public static final ByteSize MIN_SIZE = ByteSize.ofMebibytes(1);
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    public HistorySettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(maxSize, "maxSize");
        Objects.requireNonNull(directory, "directory");
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException("expected an interval of at least 1s [" + interval + "]");
        }
        if (retention.compareTo(interval) < 0) {
            throw new IllegalArgumentException("expected RetentionSec= [" + new TimeSpan(retention).format()
                    + "] at least IntervalSec= [" + new TimeSpan(interval).format() + "]");
        }
        if (maxSize.bytes() < MIN_SIZE.bytes()) {
            throw new IllegalArgumentException("expected at least 1M [" + maxSize.bytes() + " bytes]");
        }
        if (directory.isPresent() && !directory.get().isAbsolute()) {
            throw new IllegalArgumentException("expected an absolute path [" + directory.get() + "]");
        }
    }

    public static HistorySettings defaults() {
        return new HistorySettings(Duration.ofSeconds(5), Duration.ofDays(7), ByteSize.ofMebibytes(256), Optional.empty());
    }

    /** These settings with {@code Directory=} set ({@code servd --history-dir}, tests). */
    public HistorySettings withDirectory(Path value) {
        return new HistorySettings(interval, retention, maxSize, Optional.of(value));
    }

    /**
     * {@code IntervalSec=}: a systemd time span of at least 1 s.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public static Duration parseInterval(String value) {
        Duration d = TimeSpan.parse("IntervalSec", value).duration();
        if (d.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException("expected a time span of at least 1s");
        }
        return d;
    }

    /**
     * {@code MaxSize=}: systemd's size syntax ({@code 256M}, {@code 1G}; base 1024), at least 1M.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public static ByteSize parseMaxSize(String value) {
        ByteSize size = MemoryDirective.parseBytes("MaxSize", value);
        if (size.bytes() < MIN_SIZE.bytes()) {
            throw new IllegalArgumentException("expected a size of at least 1M");
        }
        return size;
    }

    /**
     * Where the store lives in this process's environment: {@code Directory=} when set, else
     * {@code history/} under the first path of {@code $STATE_DIRECTORY} (systemd sets a colon-separated
     * list, one per {@code StateDirectory=} entry); empty when neither is there (history is off then).
     */
    public Optional<Path> directoryIn(Map<String, String> env) {
        if (directory.isPresent()) {
            return directory;
        }
        String state = env.getOrDefault("STATE_DIRECTORY", "");
        String first = state.split(":", -1)[0];
        return first.isEmpty() || !Path.of(first).isAbsolute() ? Optional.empty() : Optional.of(Path.of(first, "history"));
    }
}
