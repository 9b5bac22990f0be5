package io.servd.agent;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.servd.agent.config.PressureSettings;
import io.servd.agent.http.Reply;
import io.servd.daemon.lifecycle.State;
import io.servd.daemon.pressure.PressureOptions;
import io.servd.daemon.pressure.ShedStatus;
import java.util.Locale;
import java.util.Map;

/** servd's side of the daemon library's load shedding: {@code [Pressure]} as options, and {@code /readyz}. */
final class Pressure {
    private Pressure() {
    }

    static PressureOptions options(PressureSettings s) {
        return new PressureOptions(s.trigger(), s.highWater(), s.lowWater(), s.quiet(), s.retryAfter(), s.sample(),
                s.exemptPaths());
    }

    /**
     * {@code GET /readyz}: 200 {@code ready}; 503 {@code not ready} outside {@code READY}; 503
     * {@code degraded} while shedding, naming why — a balancer or probe stops sending new work, and
     * the answer comes back by itself once shedding ends.
     */
    static Reply readiness(State state, ShedStatus shed) {
        if (state != State.READY) {
            return Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready",
                    "servd is [" + state.name().toLowerCase(Locale.ROOT) + "]");
        }
        if (shed.shedding()) {
            return Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "degraded",
                    "shedding load: " + shed.reason().orElseThrow());
        }
        return Reply.json(HttpResponseStatus.OK, Map.of("status", "ready"));
    }
}
