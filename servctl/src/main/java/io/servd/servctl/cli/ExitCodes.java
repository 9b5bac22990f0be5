package io.servd.servctl.cli;

/**
 * servctl's exit codes, the contract for scripts; {@code servctl --help} lists them too.
 *
 * <table>
 * <caption>exit codes</caption>
 * <tr><td>0</td><td>{@link #OK}</td><td>done; for {@code check}: the file is clean</td></tr>
 * <tr><td>1</td><td>{@link #FAILURE}</td><td>the agent answered an error (unknown unit, failed write) or more
 *     than servctl reads (4 MiB), {@code check} found diagnostics, or reading cgroupfs failed</td></tr>
 * <tr><td>2</td><td>{@link #USAGE}</td><td>bad command line, including a {@code PROP=VALUE} or unit name rejected
 *     locally or by the agent (HTTP 400)</td></tr>
 * <tr><td>3</td><td>{@link #UNREACHABLE}</td><td>no connection to the agent (not running, wrong address), or no
 *     complete answer within {@code --timeout} (the agent accepts but never answers)</td></tr>
 * <tr><td>4</td><td>{@link #REFUSED}</td><td>the agent refused the request: not authorised to write
 *     (HTTP 401/403: no token, not root or in the control group), or the control socket's mode keeps this
 *     user out</td></tr>
 * <tr><td>5</td><td>{@link #AGENT_NOT_AUTHORIZED}</td><td>the caller was admitted, but systemd refuses servd itself:
 *     polkitd or servd's polkit rule is missing on the agent's host (agent error {@code servd not authorized},
 *     HTTP 503). Fix the host as the message says, or run {@code systemctl set-property} as root</td></tr>
 * </table>
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;
    public static final int REFUSED = 4;
    public static final int AGENT_NOT_AUTHORIZED = 5;

    /** The agent's {@code error} when systemd refuses servd itself (agent/API.md, 503). */
    public static final String SERVD_NOT_AUTHORIZED = "servd not authorized";

    private ExitCodes() {
    }

    /**
     * The exit code for an agent's answer: {@link #AGENT_NOT_AUTHORIZED} for its {@code servd not authorized}
     * error, else {@link #forStatus}.
     */
    public static int forAnswer(int status, String error) {
        return status == 503 && SERVD_NOT_AUTHORIZED.equals(error) ? AGENT_NOT_AUTHORIZED : forStatus(status);
    }

    /** The exit code for an agent's HTTP status: 2xx → 0, 400 → 2, 401/403 → 4, anything else → 1. */
    public static int forStatus(int status) {
        if (status >= 200 && status < 300) {
            return OK;
        }
        return switch (status) {
            case 400 -> USAGE;
            case 401, 403 -> REFUSED;
            default -> FAILURE;
        };
    }
}
