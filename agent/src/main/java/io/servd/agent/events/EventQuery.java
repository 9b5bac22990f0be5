package io.servd.agent.events;

import io.servd.cgroup.unit.UnitName;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import io.servd.agent.http.QueryParams;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The query of {@code GET /v1/events}: {@code since=} an event id (events after it) or an ISO-8601
 * time with offset or {@code Z} (events at or after it), {@code follow=} {@code 1|true|yes|0|false|no},
 * {@code unit=} a unit name, {@code type=} an event type. Each may be given once.
 *
 * @param since  where the replay starts; empty: every event kept when not following, none when following
 * @param follow keep the response open and stream new events
 * @param unit   only this unit's events
 * @param type   only events of this type
 */
public record EventQuery(Optional<Since> since, boolean follow, Optional<String> unit, Optional<String> type) {

    /** Where a replay starts. */
    public sealed interface Since {
        record AfterId(long id) implements Since {}
        record AtOrAfter(Instant time) implements Since {}
    }

    public EventQuery {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(type, "type");
    }

    /**
     * Parses decoded query parameters (as Netty's {@code QueryStringDecoder} gives them).
     *
     * @throws IllegalArgumentException naming the parameter and its value in brackets; nothing else
     */
    public static EventQuery parse(Map<String, List<String>> params) {
        QueryParams.requireKnown(params, List.of("since", "follow", "unit", "type"));
        Optional<Since> since = QueryParams.single(params, "since").map(EventQuery::parseSince);
        boolean follow = QueryParams.single(params, "follow").map(EventQuery::parseFlag).orElse(false);
        Optional<String> unit = QueryParams.single(params, "unit").map(u -> {
            if (!UnitName.isValid(u)) {
                throw new IllegalArgumentException("unit: not a unit name [" + u + "]");
            }
            return u;
        });
        Optional<String> type = QueryParams.single(params, "type").map(t -> {
            if (!Event.TYPES.contains(t)) {
                throw new IllegalArgumentException("type: expected one of " + Event.TYPES + ", got [" + t + "]");
            }
            return t;
        });
        return new EventQuery(since, follow, unit, type);
    }

    /** Whether {@code event} passes the unit and type filters. */
    public boolean matches(Event event) {
        return unit.map(event.unit()::equals).orElse(true) && type.map(event.type()::equals).orElse(true);
    }

    /** An id ({@code 42}) or an ISO-8601 time with offset ({@code 2026-12-02T16:25:00Z}, {@code …+01:00}). */
    static Since parseSince(String value) {
        if (!value.isEmpty() && value.length() <= 19 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return new Since.AfterId(Long.parseLong(value));
        }
        try {
            return new Since.AtOrAfter(OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("since: expected an event id or an ISO-8601 time such as"
                    + " [2026-12-02T16:25:00Z], got [" + value + "]");
        }
    }

    private static boolean parseFlag(String value) {
        return switch (value) {
            case "", "1", "true", "yes" -> true; // a bare ?follow too
            case "0", "false", "no" -> false;
            default -> throw new IllegalArgumentException("follow: expected 1 or 0, got [" + value + "]");
        };
    }
}
