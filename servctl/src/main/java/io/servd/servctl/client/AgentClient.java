package io.servd.servctl.client;

import java.io.IOException;
import java.util.Optional;

/**
 * Sends one request to the servd agent and returns its answer, whatever the status. One method, as
 * automaxprocs' {@code queryer}: the HTTP and control-socket transports implement it, tests fake it.
 */
public interface AgentClient {

    /**
     * The largest answer servctl reads, in bytes (4 MiB). The agent's largest answer is
     * {@code GET /v1/units}, about 770 bytes per unit on the test bed (17,739 bytes for 23 units): 4 MiB
     * is some 5,000 units. It is also about the largest {@code servctl units} can print within the
     * launcher's {@code -Xmx64m} (measured with smaller synthetic units: 4.1 MB of 12,376 units
     * printed, 9.2 MB of 27,503 ran out of heap). A larger answer is
     * refused with {@link ReplyTooLargeException} after reading the cap, never read whole (issue 12: a
     * 50 MB answer took servctl to 272 MB RSS; now 75 MB).
     */
    long MAX_REPLY_BYTES = 4L << 20;

    /**
     * Sends {@code method path} with an optional JSON body.
     *
     * @param method e.g. {@code "GET"} or {@code "PUT"}
     * @param path   absolute path with query, e.g. {@code "/v1/units/foo.service"}; never a full URL
     * @param body   a JSON document sent as {@code application/json}, or empty for no body
     * @throws AgentUnreachableException when no connection could be made (agent not running, wrong address)
     * @throws AgentTimeoutException     when connecting or the whole answer took longer than the client's timeout
     * @throws ReplyTooLargeException    when the answer is larger than {@link #MAX_REPLY_BYTES}
     * @throws IOException               when the exchange broke off or the answer was not HTTP
     */
    AgentResponse send(String method, String path, Optional<String> body) throws IOException;

    /**
     * Sends {@code GET path} and hands each line of a 2xx answer's body to {@code lines} as it
     * arrives (on the client's I/O thread), never holding the body: NDJSON ({@code /v1/events}). Each
     * line is capped at 64 KiB ({@link ReplyTooLargeException} past it).
     *
     * @param follow the body may last for ever: {@code --timeout} bounds only the answer's head, and a
     *               body silent for {@link #FOLLOW_SILENCE} fails with {@link AgentTimeoutException}
     * @return the status, with the body (capped) of an error answer; empty text for a 2xx one
     * @throws IOException as {@link #send}
     */
    default AgentResponse stream(String path, boolean follow, java.util.function.Consumer<String> lines) throws IOException {
        return stream(path, "application/json", follow, lines);
    }

    /**
     * As {@link #stream(String, boolean, java.util.function.Consumer)}, asking for {@code accept} (the
     * {@code Accept} header), e.g. {@code application/openmetrics-text} for a history dump.
     */
    default AgentResponse stream(String path, String accept, boolean follow, java.util.function.Consumer<String> lines)
            throws IOException {
        throw new IOException("[" + describe() + "] cannot stream");
    }

    /** Three of the agent's 15 s heartbeats missed: the follower gives up (exit 3). */
    java.time.Duration FOLLOW_SILENCE = java.time.Duration.ofSeconds(45);

    /** Where this client sends to, for messages: {@code http://127.0.0.1:9470} or {@code unix:/run/servd/control.sock}. */
    String describe();
}
