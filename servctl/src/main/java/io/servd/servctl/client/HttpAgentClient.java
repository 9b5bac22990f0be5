package io.servd.servctl.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Talks to the agent's TCP listener with the JDK's {@code java.net.http} client (HTTP/1.1, no
 * redirects, no proxy: the agent is local). A token, when given, is sent as
 * {@code Authorization: Bearer <token>}, which the agent requires for HTTP writes.
 */
public final class HttpAgentClient implements AgentClient {

    private final URI base;
    private final Optional<String> token;
    private final Duration timeout;
    private final HttpClient client;

    /**
     * @param base    e.g. {@code http://127.0.0.1:9470}; a path in it is ignored
     * @param token   bearer token for writes, or empty
     * @param timeout bounds connecting, and separately the whole exchange from sending the request to the
     *                last byte of the answer
     * @throws IllegalArgumentException when {@code base} is not an http URL with a host
     */
    public HttpAgentClient(URI base, Optional<String> token, Duration timeout) {
        Objects.requireNonNull(base, "base");
        if (!"http".equals(base.getScheme()) || base.getHost() == null) {
            throw new IllegalArgumentException("agent URL must be http://HOST:PORT [" + base + "]");
        }
        this.base = URI.create("http://" + base.getRawAuthority());
        this.token = Objects.requireNonNull(token, "token");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).proxy(HttpClient.Builder.NO_PROXY).build();
    }

    @Override
    public AgentResponse send(String method, String path, Optional<String> body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Accept", "application/json")
                .method(method, body.map(b -> HttpRequest.BodyPublishers.ofString(b, StandardCharsets.UTF_8))
                        .orElse(HttpRequest.BodyPublishers.noBody()));
        body.ifPresent(b -> request.header("Content-Type", "application/json"));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        // The request timeout ends when the head arrives; get() bounds the body too (JDK 17's client
        // waits for a stalled body forever).
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request.build(), head -> new CappedBody(describe()));
        try {
            HttpResponse<byte[]> response = exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return new AgentResponse(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new AgentTimeoutException("complete answer from", describe(), timeout, e);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for [" + describe() + "]", e);
        }
    }

    /** The exception {@link #send} documents for what the exchange failed with. */
    private IOException failure(Throwable cause) {
        if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
            return new AgentUnreachableException(describe(), cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return new AgentTimeoutException("complete answer from", describe(), timeout, cause);
        }
        if (cause instanceof IOException io) {
            return io;
        }
        return new IOException("request to [" + describe() + "] failed: " + cause, cause);
    }

    @Override
    public String describe() {
        return base.toString();
    }
}
