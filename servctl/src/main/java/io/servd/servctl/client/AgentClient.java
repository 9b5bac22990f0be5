package io.servd.servctl.client;

import java.io.IOException;
import java.util.Optional;

/**
 * Sends one request to the servd agent and returns its answer, whatever the status. One method, as
 * automaxprocs' {@code queryer}: the HTTP and control-socket transports implement it, tests fake it.
 */
public interface AgentClient {

    /**
     * Sends {@code method path} with an optional JSON body.
     *
     * @param method e.g. {@code "GET"} or {@code "PUT"}
     * @param path   absolute path with query, e.g. {@code "/v1/units/foo.service"}; never a full URL
     * @param body   a JSON document sent as {@code application/json}, or empty for no body
     * @throws AgentUnreachableException when no connection could be made (agent not running, wrong address)
     * @throws IOException               when the exchange broke off or the answer was not HTTP
     */
    AgentResponse send(String method, String path, Optional<String> body) throws IOException;

    /** Where this client sends to, for messages: {@code http://127.0.0.1:9470} or {@code unix:/run/servd/control.sock}. */
    String describe();
}
