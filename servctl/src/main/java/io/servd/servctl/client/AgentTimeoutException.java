package io.servd.servctl.client;

import java.io.IOException;
import java.time.Duration;

/**
 * The agent did not finish within servctl's {@code --timeout}: the connection was not made (a full
 * listen backlog: the agent is stopped or wedged) or it was made but the answer never completed (the
 * agent accepts and never answers). servctl counts both as "agent unreachable" (exit 3): the agent is
 * not there for us, and nothing was decided.
 */
public final class AgentTimeoutException extends IOException {

    /**
     * @param what    what did not happen in time, e.g. {@code "complete answer from"}, {@code "connection to"}
     * @param address the agent, as {@link AgentClient#describe()}
     */
    AgentTimeoutException(String what, String address, Duration timeout, Throwable cause) {
        super("no " + what + " [" + address + "] within [" + timeout.toMillis() + " ms]", cause);
    }
}
