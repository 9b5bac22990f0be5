package io.servd.agent.api;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.servd.cgroup.unit.UnitName;
import io.servd.agent.metrics.MetricsEndpoint;
import io.servd.agent.http.Reply;
import io.servd.agent.http.Routes;
import java.util.Optional;

/**
 * servd's agent routes (DESIGN §3, agent/API.md): {@code /metrics}, {@code /v1/self},
 * {@code /v1/units}, {@code /v1/units/{unit}}, {@code /v1/units/{unit}/limits}. The same routes serve
 * the HTTP listener and the control socket; who may write is decided per connection by
 * {@link io.servd.agent.access.WriteAccess}.
 */
public final class AgentApi {
    static final String UNIT = "unit";

    private AgentApi() {
    }

    /** Adds the agent's routes to {@code routes}. */
    public static Routes.Builder register(Routes.Builder routes, AgentContext context) {
        var units = new UnitsResource(context);
        var limits = new LimitsResource(context);
        var metrics = new MetricsEndpoint(context.registry());
        return routes
                .get("/metrics", metrics::scrape)
                .route(HttpMethod.GET, "/v1/self", units::self)
                .route(HttpMethod.GET, "/v1/units", units::list)
                .route(HttpMethod.GET, "/v1/units/{unit}", units::one)
                .route(HttpMethod.PUT, "/v1/units/{unit}/limits", limits::put);
    }

    /** The request's {@code {unit}} if it is a valid systemd unit name. */
    static Optional<UnitName> unitName(Routes.Request request) {
        String raw = request.param(UNIT);
        return UnitName.isValid(raw) ? Optional.of(UnitName.of(raw)) : Optional.empty();
    }

    /** 400 naming the value and the rule it breaks. */
    static Reply invalidUnitName(Routes.Request request) {
        String raw = request.param(UNIT);
        String detail;
        try {
            UnitName.of(raw);
            detail = "invalid unit name [" + raw + "]";
        } catch (IllegalArgumentException e) {
            detail = e.getMessage();
        }
        return Reply.error(HttpResponseStatus.BAD_REQUEST, "invalid unit name", detail);
    }

    static Reply unknownUnit(UnitName unit) {
        return Reply.error(HttpResponseStatus.NOT_FOUND, "unknown unit",
                "no cgroup for unit [" + unit + "]" + (unit.hasCgroup() ? "" : ": units of type [" + unit.type()
                        + "] have no cgroup"));
    }
}
