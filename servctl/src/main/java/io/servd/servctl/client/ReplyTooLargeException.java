package io.servd.servctl.client;

import java.io.IOException;

/**
 * The agent's answer is larger than {@link AgentClient#MAX_REPLY_BYTES}: servctl stopped reading
 * there and dropped what it had, so a runaway or hostile answer costs it at most the cap in memory.
 */
public final class ReplyTooLargeException extends IOException {

    /** @param from the agent, as {@link AgentClient#describe()} */
    ReplyTooLargeException(String from) {
        super("answer from [" + from + "] exceeds servctl's cap of [" + AgentClient.MAX_REPLY_BYTES + "] bytes ("
                + (AgentClient.MAX_REPLY_BYTES >> 20) + " MiB); stopped reading there");
    }
}
