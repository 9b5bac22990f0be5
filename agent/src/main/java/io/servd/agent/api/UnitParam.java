package io.servd.agent.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.servd.agent.http.Reply;
import io.servd.agent.http.Routes;
import io.servd.cgroup.unit.UnitName;
import java.util.Optional;

/** The {@code {unit}} path parameter of the unit routes, and the replies for a bad or unknown one. */
final class UnitParam {
    static final String NAME = "unit";

    private UnitParam() {
    }

    /** The request's {@code {unit}} if it is a valid systemd unit name. */
    static Optional<UnitName> unitName(Routes.Request request) {
        String raw = request.param(NAME);
        return UnitName.isValid(raw) ? Optional.of(UnitName.of(raw)) : Optional.empty();
    }

    /** 400 naming the value and the rule it breaks. */
    static Reply invalidUnitName(Routes.Request request) {
        String raw = request.param(NAME);
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
