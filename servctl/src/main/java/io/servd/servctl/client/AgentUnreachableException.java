package io.servd.servctl.client;

import java.io.IOException;

/** No connection to the agent could be made; the message names the address in brackets. */
public final class AgentUnreachableException extends IOException {

    public AgentUnreachableException(String address, Throwable cause) {
        super("servd agent unreachable at [" + address + "]: " + describe(cause), cause);
    }

    private static String describe(Throwable cause) {
        String m = cause.getMessage();
        return m == null ? cause.getClass().getSimpleName() : m;
    }
}
