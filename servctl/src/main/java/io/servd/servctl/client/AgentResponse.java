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

    /**
     * The status's reason phrase as RFC 9110 §15 names it ({@code "Not Found"}), for messages; empty
     * for a code it does not name. Derived from the code, not the phrase the agent sent: one message for
     * a code, whichever agent answered.
     */
    public String reasonPhrase() {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 417 -> "Expectation Failed";
            case 421 -> "Misdirected Request";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            case 507 -> "Insufficient Storage";
            default -> "";
        };
    }

    /** Whether the status is 2xx. */
    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
