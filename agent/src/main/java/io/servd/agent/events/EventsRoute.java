package io.servd.agent.events;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.servd.agent.http.Reply;
import io.servd.agent.http.Routes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /v1/events} (agent/API.md): NDJSON ({@code application/x-ndjson}), one event a line,
 * replayed from the {@link EventLog} and, with {@code follow=1}, streamed ({@link EventStream}). At
 * most {@code maxFollowers} follow at once, over both listeners; one more answers {@code 503} with
 * {@code Retry-After}. A bad query answers {@code 400} naming the parameter and its value. Answers on
 * the event loop: it reads only memory.
 */
public final class EventsRoute {
    public static final String MEDIA_TYPE = "application/x-ndjson";
    /** Outlasts no idle timeout servd allows to be useful (default 60 s) and finds a dead follower within 15 s of a write. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
    public static final int DEFAULT_MAX_FOLLOWERS = 16;
    static final String RETRY_AFTER_SECONDS = "5";

    private final EventLog log;
    private final int maxFollowers;
    private final Duration heartbeat;
    private final AtomicInteger followers = new AtomicInteger();

    public EventsRoute(EventLog log, int maxFollowers, Duration heartbeat) {
        this.log = Objects.requireNonNull(log, "log");
        if (maxFollowers < 0) {
            throw new IllegalArgumentException("max followers must not be negative [" + maxFollowers + "]");
        }
        this.maxFollowers = maxFollowers;
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat must be positive [" + heartbeat + "]");
        }
        this.heartbeat = heartbeat;
    }

    /** The defaults: 16 followers, a heartbeat every 15 s. */
    public EventsRoute(EventLog log) {
        this(log, DEFAULT_MAX_FOLLOWERS, DEFAULT_HEARTBEAT);
    }

    public EventLog log() {
        return log;
    }

    /** Followers streaming now. */
    public int followers() {
        return followers.get();
    }

    public Reply get(Routes.Request request) {
        EventQuery query;
        try {
            query = EventQuery.parse(new QueryStringDecoder(request.http().uri()).parameters());
        } catch (IllegalArgumentException e) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, "bad request", e.getMessage());
        }
        if (HttpMethod.HEAD.equals(request.http().method())) {
            return Reply.of(HttpResponseStatus.OK, MEDIA_TYPE, new byte[0]);
        }
        long after = query.since().map(s -> s instanceof EventQuery.Since.AfterId id ? log.afterForId(id.id())
                : log.afterForTime(((EventQuery.Since.AtOrAfter) s).time())).orElse(query.follow() ? log.lastId() : 0);
        Runnable release = () -> { };
        if (query.follow()) {
            if (followers.incrementAndGet() > maxFollowers) {
                followers.decrementAndGet();
                return Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many followers",
                                "[" + maxFollowers + "] clients follow events already, as many as [Events] MaxFollowers= allows")
                        .withHeader("Retry-After", RETRY_AFTER_SECONDS);
            }
            AtomicInteger slots = followers;
            release = slots::decrementAndGet;
        }
        return Reply.streamed(HttpResponseStatus.OK, MEDIA_TYPE, new EventStream(log, query, after, heartbeat, release));
    }
}
