package io.servd.agent.api;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.servd.agent.config.HistoryTime;
import io.servd.agent.history.Frame;
import io.servd.agent.history.History;
import io.servd.agent.history.HistoryQuery;
import io.servd.agent.history.HistoryStore;
import io.servd.agent.history.UnitSample;
import io.servd.agent.http.Reply;
import io.servd.agent.http.Routes;
import io.servd.agent.metrics.HistoryMetrics;
import io.servd.agent.units.UnitJson;
import io.servd.cgroup.unit.UnitName;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * {@code GET /v1/units/{unit}/history} and {@code GET /v1/history?at=} (agent/API.md). Parameters are
 * checked on the event loop; the segments are read on the read executor, one answer at a time, and
 * each answer is bounded ({@link HistoryQuery#MAX_SAMPLES}).
 */
final class HistoryResource {
    /** The OpenMetrics dump of a unit's history, for {@code promtool tsdb create-blocks-from openmetrics}. */
    static final String OPENMETRICS = "application/openmetrics-text";

    private final History history;
    private final Executor executor;
    private final Clock clock;

    HistoryResource(History history, Executor executor, Clock clock) {
        this.history = history;
        this.executor = executor;
        this.clock = clock;
    }

    /** {@code GET /v1/units/{unit}/history?since=&until=&step=}: JSON, or OpenMetrics when the client accepts it. */
    CompletionStage<Reply> unit(Routes.Request request) {
        Optional<UnitName> name = UnitParam.unitName(request);
        if (name.isEmpty()) {
            return done(UnitParam.invalidUnitName(request));
        }
        if (history.store().isEmpty()) {
            return done(unavailable());
        }
        String accept = String.valueOf(request.http().headers().get(HttpHeaderNames.ACCEPT));
        boolean openMetrics = accept.contains(OPENMETRICS);
        int most = openMetrics ? HistoryQuery.MAX_OPENMETRICS_SAMPLES : HistoryQuery.MAX_SAMPLES;
        HistoryQuery query;
        try {
            query = HistoryQuery.parse(params(request), now(), history.interval(), most);
        } catch (IllegalArgumentException e) {
            return done(Reply.error(HttpResponseStatus.BAD_REQUEST, "bad request", e.getMessage()));
        }
        HistoryStore store = history.store().get();
        String unit = name.get().name();
        return UnitsResource.off(executor, () -> openMetrics ? openMetrics(store, unit, query) : json(store, unit, query))
                .exceptionally(UnitsResource::whenRefused);
    }

    /** The samples written as they are read: the answer's JSON is all that is held. */
    private Reply json(HistoryStore store, String unit, HistoryQuery query) {
        boolean[] whole = {true};
        Reply reply = Json.reply(HttpResponseStatus.OK, json -> {
            json.writeStartObject();
            json.writeStringField("unit", unit);
            json.writeStringField("since", query.since().toString());
            json.writeStringField("until", query.until().toString());
            json.writeStringField("step", HistoryTime.formatStep(query.step()));
            json.writeArrayFieldStart("samples");
            whole[0] = query.samples(store, unit, HistoryQuery.MAX_SAMPLES, f -> {
                UnitSample u = f.units().get(0);
                try {
                    json.writeStartObject();
                    json.writeStringField("time", f.time().toString());
                    json.writeNumberField("timeUsec", f.timeMicros());
                    UnitJson.writeFields(json, u.cgroup(), u.state());
                    json.writeEndObject();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("writing json to memory failed", e); // a bug
                }
            });
            json.writeEndArray();
            json.writeEndObject();
        });
        return whole[0] ? reply : tooMany(query, HistoryQuery.MAX_SAMPLES);
    }

    private Reply openMetrics(HistoryStore store, String unit, HistoryQuery query) {
        List<Frame> frames = new java.util.ArrayList<>();
        if (!query.samples(store, unit, HistoryQuery.MAX_OPENMETRICS_SAMPLES, frames::add)) {
            return tooMany(query, HistoryQuery.MAX_OPENMETRICS_SAMPLES);
        }
        return Reply.of(HttpResponseStatus.OK, HistoryMetrics.CONTENT_TYPE, HistoryMetrics.write(frames));
    }

    private Reply tooMany(HistoryQuery query, int most) {
        return Reply.error(HttpResponseStatus.BAD_REQUEST, "bad request", "more than " + most
                + " samples recorded from since [" + query.since() + "] to until [" + query.until()
                + "] (recorded more often than every [" + HistoryTime.formatStep(history.interval())
                + "] then): give a larger step or a shorter range");
    }

    /** {@code GET /v1/history?at=TIME}: every unit as recorded at the last frame at or before TIME. */
    CompletionStage<Reply> at(Routes.Request request) {
        if (history.store().isEmpty()) {
            return done(unavailable());
        }
        Instant at;
        try {
            at = HistoryQuery.parseAt(params(request), now());
        } catch (IllegalArgumentException e) {
            return done(Reply.error(HttpResponseStatus.BAD_REQUEST, "bad request", e.getMessage()));
        }
        HistoryStore store = history.store().get();
        return UnitsResource.off(executor, () -> {
            Optional<Frame> frame = store.at(at);
            if (frame.isEmpty()) {
                return Reply.error(HttpResponseStatus.NOT_FOUND, "no history", "nothing recorded at or before at ["
                        + at + "] in [" + store.directory() + "]");
            }
            return Json.reply(HttpResponseStatus.OK, json -> {
                json.writeStartObject();
                json.writeStringField("at", at.toString());
                json.writeStringField("time", frame.get().time().toString());
                json.writeArrayFieldStart("units");
                for (UnitSample u : frame.get().units()) {
                    UnitJson.writeUnit(json, u.unit(), u.cgroup(), u.state());
                }
                json.writeEndArray();
                json.writeEndObject();
            });
        }).exceptionally(UnitsResource::whenRefused);
    }

    /** Now to the µs, the precision of the store and of {@code timeUsec}. */
    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private Reply unavailable() {
        return Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "history off", history.unavailabilityCause().orElse(""));
    }

    private static Map<String, List<String>> params(Routes.Request request) {
        return new QueryStringDecoder(request.http().uri()).parameters();
    }

    private static CompletionStage<Reply> done(Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
