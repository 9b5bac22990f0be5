package io.servd.agent.events;

import java.time.Instant;
import java.util.Map;

/**
 * One thing that happened to a unit, as {@code GET /v1/events} and the journal carry it. The wire
 * form is one JSON object per line: {@code id} (given by {@link EventLog#publish}), {@code time},
 * {@code unit}, {@code type}, then {@link #details()} in order.
 */
public sealed interface Event permits OomKill, LimitsChanged, Throttled, PressureRaised, UnitState {

    /** When it happened (for counters read from cgroupfs: when servd noticed it). */
    Instant time();

    /** The unit's name, e.g. {@code foo.service}. */
    String unit();

    /** The wire name of the event's type, e.g. {@code oom-kill}; one of {@link #TYPES}. */
    String type();

    /**
     * The type's details as JSON members and journal fields, in order: values are {@link String},
     * {@link Long}, {@link Double}, {@link Boolean}, or a {@code Map<String, ?>} of these (a nested
     * JSON object; in the journal its keys are joined with {@code _}).
     */
    Map<String, Object> details();

    /** Every type's wire name, the values {@code ?type=} takes. */
    java.util.List<String> TYPES = java.util.List.of(OomKill.TYPE, LimitsChanged.TYPE, Throttled.TYPE,
            PressureRaised.TYPE, UnitState.TYPE);
}
