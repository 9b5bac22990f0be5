package io.servd.servctl.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Talks to the agent's TCP listener: HTTP/1.1, one exchange per connection, no redirects and no proxy
 * (the agent is local), through the same Netty codec as the control socket ({@link NettyExchange}). A
 * token, when given, is sent as {@code Authorization: Bearer <token>}, which the agent requires for
 * HTTP writes.
 */
public final class HttpAgentClient implements AgentClient {

    private final URI base;
    private final InetSocketAddress address;
    private final Optional<String> token;
    private final Duration timeout;

    /**
     * @param base    e.g. {@code http://127.0.0.1:9470}; a path in it is ignored
     * @param token   bearer token for writes, or empty
     * @param timeout bounds the whole exchange, from connecting to the last byte of the answer
     * @throws IllegalArgumentException when {@code base} is not an http URL with a host
     */
    public HttpAgentClient(URI base, Optional<String> token, Duration timeout) {
        Objects.requireNonNull(base, "base");
        if (!"http".equals(base.getScheme()) || base.getHost() == null) {
            throw new IllegalArgumentException("agent URL must be http://HOST:PORT [" + base + "]");
        }
        this.base = URI.create("http://" + base.getRawAuthority());
        // unresolved: Netty's resolver looks the name up when connecting, a failure is "unreachable"
        String host = base.getHost().startsWith("[") ? base.getHost().substring(1, base.getHost().length() - 1)
                : base.getHost();
        this.address = InetSocketAddress.createUnresolved(host, base.getPort() < 0 ? 80 : base.getPort());
        this.token = Objects.requireNonNull(token, "token");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public AgentResponse send(String method, String path, Optional<String> body) throws IOException {
        Map<String, String> authorization = token.map(t -> Map.of("Authorization", "Bearer " + t)).orElse(Map.of());
        return NettyExchange.overTcp(address, NettyExchange.request(method, path, body, base.getRawAuthority(),
                authorization), timeout, describe());
    }

    @Override
    public AgentResponse stream(String path, String accept, boolean follow, java.util.function.Consumer<String> lines)
            throws IOException {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("Accept", accept);
        token.ifPresent(t -> headers.put("Authorization", "Bearer " + t));
        return NettyExchange.overTcp(address, NettyExchange.request("GET", path, Optional.empty(), base.getRawAuthority(),
                headers), timeout, describe(), (pipeline, from) -> LineReader.install(pipeline, from, lines,
                follow ? Optional.of(FOLLOW_SILENCE) : Optional.empty()));
    }

    @Override
    public String describe() {
        return base.toString();
    }
}
