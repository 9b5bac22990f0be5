package io.servd.servctl.client;

import java.util.Objects;

/**
 * One answer of the servd agent.
 *
 * @param status the HTTP status code, e.g. 200
 * @param body   the body as UTF-8 text; the agent sends JSON, errors as {@code {"error","detail"}}
 */
public record AgentResponse(int status, String body) {

    public AgentResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status out of range [" + status + "]");
        }
        Objects.requireNonNull(body, "body");
    }

    /** Whether the status is 2xx. */
    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
