package io.servd.servctl.client;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The control socket exists but this user may not connect to it (EACCES: the socket file is 0660
 * root and the control group, DESIGN §6). Unlike {@link AgentUnreachableException}, the agent is
 * there and retrying will not help; servctl exits 4, as for an HTTP 403.
 */
public final class AgentAccessDeniedException extends IOException {

    public AgentAccessDeniedException(Path socket, Throwable cause) {
        super("not allowed to connect to the servd control socket [" + socket + "]: only root and the members of its "
                + "group may (" + cause.getMessage() + ")", cause);
    }
}
