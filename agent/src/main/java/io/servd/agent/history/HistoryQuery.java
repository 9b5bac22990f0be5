package io.servd.agent.history;

import io.servd.agent.config.HistoryTime;
import io.servd.agent.http.QueryParams;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code ?since=&until=&step=} of {@code GET /v1/units/{unit}/history}: TIMEs and a STEP as
 * {@link HistoryTime} spells them; defaults since {@code -1h}, until {@code now}, step the recording
 * interval. At most {@link #MAX_SAMPLES} samples an answer: a wider range needs a larger step.
 *
 * @param since the first instant, included
 * @param until the last instant, included; not before {@code since}
 * @param step  at most one sample per step from {@code since}: the first recorded in each
 */
public record HistoryQuery(Instant since, Instant until, Duration step) {
    /** About 15 h at 5 s, 7.6 days at 1 min; some 10 MB of JSON at most, written once at a time on the read thread. */
    public static final int MAX_SAMPLES = 11_000;
    /**
     * The OpenMetrics dump's bound: about 2.2 KB of text a sample (30 series), merged in memory family
     * by family, so fewer than the JSON answer's; 3.5 h at 5 s, 2.5 days at 1 min.
     */
    public static final int MAX_OPENMETRICS_SAMPLES = 2_500;

    public HistoryQuery {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(step, "step");
    }

    /**
     * Parses decoded query parameters.
     *
     * @throws IllegalArgumentException naming the parameter and its value in brackets, and what was
     *                                  expected; nothing else
     */
    public static HistoryQuery parse(Map<String, List<String>> params, Instant now, Duration interval) {
        return parse(params, now, interval, MAX_SAMPLES);
    }

    /** As {@link #parse(Map, Instant, Duration)}, with at most {@code most} samples. */
    public static HistoryQuery parse(Map<String, List<String>> params, Instant now, Duration interval, int most) {
        QueryParams.requireKnown(params, List.of("since", "until", "step"));
        Instant since = QueryParams.single(params, "since").map(v -> time("since", v, now)).orElse(now.minus(Duration.ofHours(1)));
        Instant until = QueryParams.single(params, "until").map(v -> time("until", v, now)).orElse(now);
        Duration step = QueryParams.single(params, "step").map(v -> {
            try {
                return HistoryTime.parseStep(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("step [" + v + "]: " + e.getMessage());
            }
        }).orElse(interval);
        if (until.isBefore(since)) {
            throw new IllegalArgumentException("until [" + until + "] is before since [" + since + "]");
        }
        var query = new HistoryQuery(since, until, step);
        long samples = query.mostSamples(interval);
        if (samples > most) {
            Duration least = Duration.between(since, until).dividedBy(most - 1).plusSeconds(1).withNanos(0);
            throw new IllegalArgumentException("since [" + since + "] to until [" + until + "] at step ["
                    + HistoryTime.formatStep(step) + "] is up to " + samples + " samples, more than " + most
                    + " in one answer: give a larger step (at least [" + HistoryTime.formatStep(least)
                    + "]) or a shorter range");
        }
        return query;
    }

    /** At most this many samples: one per step, or per recorded frame when the step is shorter. */
    long mostSamples(Duration interval) {
        Duration every = step.compareTo(interval) > 0 ? step : interval;
        return Duration.between(since, until).dividedBy(every) + 1;
    }

    /**
     * Hands {@code unit}'s samples to {@code sample} as they are read: the first frame it is in in each
     * step of the range, each with that one unit; at most {@code most} of them.
     *
     * @return false when the range holds more than {@code most} (recorded more often than the interval
     *         in the past, so {@link #parse}'s bound did not catch it): the samples handed are then not all
     */
    public boolean samples(HistoryStore store, String unit, int most, java.util.function.Consumer<Frame> sample) {
        long[] next = {0};
        int[] count = {0};
        boolean[] over = {false};
        store.read(since, until, unit::equals, frame -> {
            long bucket = Duration.between(since, frame.time()).dividedBy(step);
            if (frame.units().isEmpty() || bucket < next[0]) {
                return true;
            }
            if (count[0] == most) {
                over[0] = true;
                return false;
            }
            count[0]++;
            sample.accept(frame);
            next[0] = bucket + 1;
            return true;
        });
        return !over[0];
    }

    /**
     * {@code ?at=} of {@code GET /v1/history}: a TIME, default {@code now}.
     *
     * @throws IllegalArgumentException naming the parameter and its value
     */
    public static Instant parseAt(Map<String, List<String>> params, Instant now) {
        QueryParams.requireKnown(params, List.of("at"));
        return QueryParams.single(params, "at").map(v -> time("at", v, now)).orElse(now);
    }

    private static Instant time(String name, String value, Instant now) {
        try {
            return HistoryTime.parse(value, now);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " [" + value + "]: " + e.getMessage());
        }
    }
}
