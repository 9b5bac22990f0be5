package io.servd.servctl;

import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.ServctlException;
import io.servd.servctl.cli.Json;
import com.fasterxml.jackson.databind.JsonNode;
import io.servd.servctl.client.AgentAccessDeniedException;
import io.servd.servctl.client.AgentClient;
import io.servd.servctl.client.AgentResponse;
import io.servd.servctl.client.AgentTimeoutException;
import io.servd.servctl.client.AgentUnreachableException;
import io.servd.servctl.client.HttpAgentClient;
import io.servd.servctl.client.UnixSocketAgentClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options that choose how to reach the agent, mixed into {@code servctl} itself and into every
 * command that talks to it (so {@code servctl --socket S status} and {@code servctl status --socket S}
 * both work, the command's own winning), and the one call those commands make. Without
 * {@code --agent} or {@code --socket}, the control socket is used when we may connect to it (it exists and is writable for us: root or the socket's group; writes are
 * authorised by peer credentials there), else HTTP on 127.0.0.1:9470, where reads are open to everyone.
 */
public final class AgentConnection {

    @Option(names = "--agent", paramLabel = "URL",
            description = "agent's HTTP address, e.g. http://127.0.0.1:9470 (default: the control socket when it"
                    + " exists and we may connect to it, else http://127.0.0.1:9470)")
    String agent;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "agent's control socket (default: /run/servd/control.sock)")
    Path socket;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "file holding the bearer token for writes over HTTP (the agent's [HTTP] TokenFile=)")
    Path tokenFile;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "give up on the agent after this many seconds, from connecting to the last byte of its"
                    + " answer (default: 10; 30 for set, which waits for systemd; exit 3)")
    Double timeoutSeconds;

    static final double DEFAULT_TIMEOUT_SECONDS = 10;
    /**
     * A write waits for the agent's D-Bus calls (LoadUnit, Get per property, SetUnitProperties, bounded at 25 s
     * in all by the agent) and, on a fresh agent, their first connection and class loading: 10 s ran out
     * in the TCG test VM while the agent was still applying.
     */
    private static final double DEFAULT_WRITE_TIMEOUT_SECONDS = 30;

    /** These options as given here, else {@code outer}'s ({@code servctl}'s, before the command name). */
    AgentConnection over(AgentConnection outer) {
        AgentConnection merged = new AgentConnection();
        merged.agent = agent != null ? agent : outer.agent;
        merged.socket = socket != null ? socket : outer.socket;
        merged.tokenFile = tokenFile != null ? tokenFile : outer.tokenFile;
        merged.timeoutSeconds = timeoutSeconds != null ? timeoutSeconds : outer.timeoutSeconds;
        return merged;
    }

    /** The client the options ask for, given where the control socket and HTTP listener are by default. */
    private AgentClient client(ServctlDefaults defaults, double defaultSeconds) throws ServctlException {
        double seconds = timeoutSeconds != null ? timeoutSeconds : defaultSeconds;
        if (!(seconds > 0) || seconds > 3600) {
            throw new ServctlException(ExitCodes.USAGE, "--timeout must be in (0, 3600] seconds [" + seconds + "]");
        }
        Duration timeout = Duration.ofMillis((long) (seconds * 1000));
        if (agent != null && socket != null) {
            throw new ServctlException(ExitCodes.USAGE, "give --agent [" + agent + "] or --socket [" + socket
                    + "], not both");
        }
        // connect(2) on an AF_UNIX socket needs write permission on the socket file
        if (agent == null && (socket != null || Files.isWritable(defaults.controlSocket()))) {
            return new UnixSocketAgentClient(socket != null ? socket : defaults.controlSocket(), timeout);
        }
        try {
            return new HttpAgentClient(agent != null ? URI.create(agent) : defaults.agentUrl(), readToken(), timeout);
        } catch (IllegalArgumentException e) {
            throw new ServctlException(ExitCodes.USAGE, "--agent: " + e.getMessage());
        }
    }

    private Optional<String> readToken() throws ServctlException {
        if (tokenFile == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(tokenFile, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new ServctlException(ExitCodes.USAGE, "cannot read --token-file [" + tokenFile + "]: " + e, e);
        }
    }

    /**
     * Sends one request and returns the JSON answer of a 2xx status.
     *
     * @throws ServctlException {@link ExitCodes#UNREACHABLE} without a connection or without a complete answer
     *                          within {@code --timeout}, {@link ExitCodes#REFUSED}
     *                          when the control socket's mode keeps us out; for an error status the
     *                          code of {@link ExitCodes#forStatus}, with the agent's {@code error} and
     *                          {@code detail} ({@link ExitCodes#forAnswer}); {@link ExitCodes#FAILURE} for a broken exchange, an answer over
     *                          {@link AgentClient#MAX_REPLY_BYTES} or a non-JSON body
     */
    JsonNode call(ServctlMain servctl, String method, String path, Optional<String> body)
            throws ServctlException {
        boolean write = !method.equals("GET");
        return call(servctl, method, path, body, write ? DEFAULT_WRITE_TIMEOUT_SECONDS : DEFAULT_TIMEOUT_SECONDS);
    }

    /**
     * {@code GET path} for a command outside this package ({@code servctl top}): as {@link #call}, but
     * waiting {@code defaultSeconds} when {@code --timeout} is not given.
     */
    public JsonNode get(ServctlMain servctl, String path, double defaultSeconds) throws ServctlException {
        return call(servctl, "GET", path, Optional.empty(), defaultSeconds);
    }

    private JsonNode call(ServctlMain servctl, String method, String path, Optional<String> body,
                          double defaultSeconds) throws ServctlException {
        boolean write = !method.equals("GET");
        AgentClient client = over(servctl.connection()).client(servctl.defaults(), defaultSeconds);
        AgentResponse response = exchange(client, method + " " + path, write, () -> client.send(method, path, body));
        try {
            return Json.parse(response.body());
        } catch (IOException e) {
            throw new ServctlException(ExitCodes.FAILURE, "agent at [" + client.describe() + "] sent no JSON for ["
                    + method + " " + path + "]: " + e.getMessage(), e);
        }
    }

    /**
     * Sends {@code GET path} and hands each line of the answer to {@code lines} as it arrives
     * ({@link AgentClient#stream}); returns when the answer ends. Failures as {@link #call}; with
     * {@code follow}, {@code --timeout} bounds the answer's head only.
     */
    void stream(ServctlMain servctl, String path, boolean follow, java.util.function.Consumer<String> lines)
            throws ServctlException {
        AgentClient client = over(servctl.connection()).client(servctl.defaults(), DEFAULT_TIMEOUT_SECONDS);
        exchange(client, "GET " + path, false, () -> client.stream(path, follow, lines));
    }

    /** As {@link #stream(ServctlMain, String, boolean, java.util.function.Consumer)}, not following, asking for {@code accept}. */
    void stream(ServctlMain servctl, String path, String accept, java.util.function.Consumer<String> lines)
            throws ServctlException {
        AgentClient client = over(servctl.connection()).client(servctl.defaults(), DEFAULT_TIMEOUT_SECONDS);
        exchange(client, "GET " + path, false, () -> client.stream(path, accept, false, lines));
    }

    @FunctionalInterface
    private interface Exchange {
        AgentResponse run() throws IOException;
    }

    /** Runs one exchange: a 2xx answer, else the failure with servctl's exit code (see {@link #call}). */
    private static AgentResponse exchange(AgentClient client, String what, boolean write, Exchange exchange)
            throws ServctlException {
        AgentResponse response;
        try {
            response = exchange.run();
        } catch (AgentUnreachableException e) {
            throw new ServctlException(ExitCodes.UNREACHABLE, e.getMessage(), e);
        } catch (AgentTimeoutException e) {
            // accepted but never answered, or no connection in time: not there for us; a write may still land
            throw new ServctlException(ExitCodes.UNREACHABLE, "servd agent unreachable: " + e.getMessage()
                    + " (--timeout)" + (write ? "; the change may still be applied: check with servctl limits" : ""), e);
        } catch (AgentAccessDeniedException e) {
            throw new ServctlException(ExitCodes.REFUSED, e.getMessage(), e);
        } catch (IOException e) {
            throw new ServctlException(ExitCodes.FAILURE, "request [" + what + "] to ["
                    + client.describe() + "] failed: " + e.getMessage(), e);
        }
        if (!response.isSuccess()) {
            throw new ServctlException(ExitCodes.forAnswer(response.status(), errorCode(response)),
                    errorMessage(response, client));
        }
        return response;
    }

    /** The agent's {@code error} member, e.g. {@code "servd not authorized"}; empty text when the body has none. */
    private static String errorCode(AgentResponse response) {
        try {
            return Json.parse(response.body()).path("error").asText();
        } catch (IOException notJson) {
            return "";
        }
    }

    /**
     * {@code error: detail (HTTP 404 from [addr])}, from the agent's {@code {"error","detail"}} body when it
     * is one; for an empty body the status line: {@code 404 Not Found, empty body (HTTP 404 from [addr])}.
     */
    private static String errorMessage(AgentResponse response, AgentClient client) {
        String from = " (HTTP " + response.status() + " from [" + client.describe() + "])";
        String text = response.body().strip();
        if (text.isEmpty()) {
            return (response.status() + " " + response.reasonPhrase()).strip() + ", empty body" + from;
        }
        try {
            JsonNode error = Json.parse(text);
            if (error.has("error")) {
                text = error.get("error").asText() + (error.has("detail") ? ": " + error.get("detail").asText() : "");
            }
        } catch (IOException notJson) {
            text = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        }
        return text + from;
    }
}
