package io.servd.daemon.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Exact-path routing: one handler per (method, path). Unknown paths answer 404 and a known path
 * with another method answers 405 with {@code Allow}, both in the JSON error shape. {@code HEAD}
 * is served by the {@code GET} handler (the codec drops the body).
 */
public final class Routes {
    private final Map<String, Map<HttpMethod, Function<FullHttpRequest, Reply>>> byPath;

    private Routes(Map<String, Map<HttpMethod, Function<FullHttpRequest, Reply>>> byPath) {
        this.byPath = byPath;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Answers {@code request}; never throws for any request the codec decoded. */
    Reply dispatch(FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        var handlers = byPath.get(path);
        if (handlers == null) {
            return Reply.error(HttpResponseStatus.NOT_FOUND, "not found", "no resource at [" + path + "]");
        }
        HttpMethod method = request.method();
        var handler = handlers.get(HttpMethod.HEAD.equals(method) ? HttpMethod.GET : method);
        if (handler == null) {
            Set<String> allowed = new TreeSet<>();
            handlers.keySet().forEach(m -> allowed.add(m.name()));
            if (allowed.contains("GET")) {
                allowed.add("HEAD");
            }
            return Reply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed",
                            "[" + method + "] is not allowed on [" + path + "]")
                    .withHeader("Allow", String.join(", ", allowed));
        }
        return handler.apply(request);
    }

    /** Collects routes; a second handler for the same method and path is a programming error. */
    public static final class Builder {
        private final Map<String, Map<HttpMethod, Function<FullHttpRequest, Reply>>> byPath = new LinkedHashMap<>();

        private Builder() {}

        public Builder get(String path, Function<FullHttpRequest, Reply> handler) {
            return add(HttpMethod.GET, path, handler);
        }

        public Builder add(HttpMethod method, String path, Function<FullHttpRequest, Reply> handler) {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(handler, "handler");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("route path must start with '/': [" + path + "]");
            }
            var previous = byPath.computeIfAbsent(path, p -> new LinkedHashMap<>()).putIfAbsent(method, handler);
            if (previous != null) {
                throw new IllegalArgumentException("duplicate route [" + method + " " + path + "]");
            }
            return this;
        }

        public Routes build() {
            var copy = new LinkedHashMap<String, Map<HttpMethod, Function<FullHttpRequest, Reply>>>();
            byPath.forEach((path, handlers) -> copy.put(path, Map.copyOf(handlers)));
            return new Routes(Map.copyOf(copy));
        }
    }
}
