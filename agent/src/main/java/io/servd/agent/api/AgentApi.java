package io.servd.agent.api;

import io.netty.handler.codec.http.HttpMethod;
import io.servd.agent.events.EventsRoute;
import io.servd.agent.history.History;
import io.servd.agent.metrics.MetricsEndpoint;
import io.servd.agent.http.Routes;

/**
 * servd's agent routes (DESIGN §3, agent/API.md): the web view ({@code /}, {@code /ui/{file}}, see
 * {@link WebView}), {@code /metrics}, {@code /v1/self}, {@code /v1/units}, {@code /v1/units/{unit}},
 * {@code /v1/units/{unit}/limits}, {@code /v1/events}, {@code /v1/units/{unit}/history}, {@code /v1/history}. The same routes serve
 * the HTTP listener and the control socket; who may write is decided per connection by
 * {@link io.servd.agent.access.WriteAccess}.
 */
public final class AgentApi {
    private AgentApi() {
    }

    /** Adds the agent's routes to {@code routes}, {@code /v1/events} with its defaults. */
    public static Routes.Builder register(Routes.Builder routes, AgentContext context) {
        return register(routes, context, new EventsRoute(context.events()));
    }

    /** Adds the agent's routes to {@code routes}; {@code events} answers {@code /v1/events} (from {@code context.events()}). */
    public static Routes.Builder register(Routes.Builder routes, AgentContext context, EventsRoute events) {
        return register(routes, context, events, History.unavailable("not recorded in this context"));
    }

    /** As {@link #register(Routes.Builder, AgentContext, EventsRoute)}, the history routes reading {@code history}. */
    public static Routes.Builder register(Routes.Builder routes, AgentContext context, EventsRoute events,
                                          History history) {
        var past = new HistoryResource(history, context.readExecutor(), java.time.Clock.systemUTC());
        var units = new UnitsResource(context);
        var limits = new LimitsResource(context);
        var metrics = new MetricsEndpoint(context.registry(), context.readExecutor());
        // every read route reads cgroupfs off the event loops, on context.readExecutor()
        return new WebView().register(routes)
                .getAsync("/metrics", request -> metrics.scrapeLater(request.http()).exceptionally(UnitsResource::whenRefused))
                .route(HttpMethod.GET, "/v1/events", events::get) // memory only: on the loop
                .getAsync("/v1/self", units::self)
                .getAsync("/v1/units", units::list)
                .getAsync("/v1/units/{" + UnitParam.NAME + "}", units::one)
                .getAsync("/v1/units/{" + UnitParam.NAME + "}/history", past::unit)
                .getAsync("/v1/history", past::at)
                .routeAsync(HttpMethod.PUT, "/v1/units/{" + UnitParam.NAME + "}/limits", Routes.Body.JSON,
                        context.access()::refusal, limits::put);
    }
}
