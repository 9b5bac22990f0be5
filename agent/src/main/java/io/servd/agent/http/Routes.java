package io.servd.agent.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Routing by path: exact paths ({@code /healthz}) first, then patterns whose segments may be
 * parameters ({@code /v1/units/{unit}/limits}), in registration order. A parameter matches exactly
 * one raw path segment, which is percent-decoded on its own: {@code a%2Fb.service} is the value
 * {@code a/b.service}, never two segments, so a handler sees what the client meant and can reject it.
 * Unknown paths answer 404 and a known path with another method answers 405 with {@code Allow}, both
 * in the JSON error shape. {@code HEAD} is served by the {@code GET} handler (the codec drops the body).
 */
public final class Routes {
    private final Map<String, Map<HttpMethod, Handler>> exact;
    private final List<Pattern> patterns;

    private Routes(Map<String, Map<HttpMethod, Handler>> exact, List<Pattern> patterns) {
        this.exact = exact;
        this.patterns = patterns;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Answers a request; the handler sees the decoded path parameters and the connection it came on. */
    @FunctionalInterface
    public interface Handler {
        Reply handle(Request request);
    }

    /**
     * One routed request.
     *
     * @param http    the aggregated request
     * @param params  path parameters by name, percent-decoded (empty for exact routes)
     * @param channel the connection, for per-listener facts such as peer credentials
     */
    public record Request(FullHttpRequest http, Map<String, String> params, Channel channel) {
        public Request {
            Objects.requireNonNull(http, "http");
            params = Map.copyOf(params);
            Objects.requireNonNull(channel, "channel");
        }

        /** The decoded path parameter {@code name}; a programming error if the route has no such parameter. */
        public String param(String name) {
            String value = params.get(name);
            if (value == null) {
                throw new IllegalArgumentException("route has no parameter [" + name + "]");
            }
            return value;
        }
    }

    /** Answers {@code request} arriving on {@code channel}; never throws for any request the codec decoded. */
    Reply dispatch(FullHttpRequest request, Channel channel) {
        var decoder = new QueryStringDecoder(request.uri());
        String path = decoder.path();
        Optional<Match> found = find(path, decoder.rawPath());
        if (found.isEmpty()) {
            return Reply.error(HttpResponseStatus.NOT_FOUND, "not found", "no resource at [" + path + "]");
        }
        Map<HttpMethod, Handler> handlers = found.get().handlers();
        HttpMethod method = request.method();
        HttpMethod routed = HttpMethod.HEAD.equals(method) ? HttpMethod.GET : method;
        if (!handlers.containsKey(routed)) {
            Set<String> allowed = new TreeSet<>();
            handlers.keySet().forEach(m -> allowed.add(m.name()));
            if (allowed.contains("GET")) {
                allowed.add("HEAD");
            }
            return Reply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed",
                            "[" + method + "] is not allowed on [" + path + "]")
                    .withHeader("Allow", String.join(", ", allowed));
        }
        return handlers.get(routed).handle(new Request(request, found.get().params(), channel));
    }

    /** The handlers and path parameters of a path: an exact route first, then the patterns in order. */
    private Optional<Match> find(String path, String rawPath) {
        if (exact.containsKey(path)) {
            return Optional.of(new Match(exact.get(path), Map.of()));
        }
        String[] raw = rawPath.split("/", -1);
        for (Pattern p : patterns) {
            var params = p.match(raw);
            if (params.isPresent()) {
                return Optional.of(new Match(p.handlers, params.get()));
            }
        }
        return Optional.empty();
    }

    private record Match(Map<HttpMethod, Handler> handlers, Map<String, String> params) {}

    /** A route with {@code {name}} segments; literal segments compare with the raw (undecoded) path. */
    private static final class Pattern {
        private final String[] segments;
        private final Map<HttpMethod, Handler> handlers;

        Pattern(String[] segments, Map<HttpMethod, Handler> handlers) {
            this.segments = segments;
            this.handlers = handlers;
        }

        /** The parameters, or empty when the path does not match. */
        Optional<Map<String, String>> match(String[] raw) {
            if (raw.length != segments.length) {
                return Optional.empty();
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < raw.length; i++) {
                String s = segments[i];
                if (isParameter(s)) {
                    if (raw[i].isEmpty()) {
                        return Optional.empty();
                    }
                    params.put(s.substring(1, s.length() - 1), decode(raw[i]));
                } else if (!s.equals(raw[i])) {
                    return Optional.empty();
                }
            }
            return Optional.of(params);
        }

        private static String decode(String segment) {
            // decodeComponent would turn '+' into a space (a query-string rule); in a path '+' is itself.
            return QueryStringDecoder.decodeComponent(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        }
    }

    private static boolean isParameter(String segment) {
        return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
    }

    /** Collects routes; a second handler for the same method and path is a programming error. */
    public static final class Builder {
        private final Map<String, Map<HttpMethod, Handler>> byPath = new LinkedHashMap<>();

        private Builder() {}

        public Builder get(String path, Function<FullHttpRequest, Reply> handler) {
            return add(HttpMethod.GET, path, handler);
        }

        public Builder add(HttpMethod method, String path, Function<FullHttpRequest, Reply> handler) {
            Objects.requireNonNull(handler, "handler");
            return route(method, path, request -> handler.apply(request.http()));
        }

        /**
         * Adds a route; {@code path} may contain parameter segments such as {@code {unit}}, which match
         * one non-empty segment each.
         */
        public Builder route(HttpMethod method, String path, Handler handler) {
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
            var exact = new LinkedHashMap<String, Map<HttpMethod, Handler>>();
            var patterns = new ArrayList<Pattern>();
            byPath.forEach((path, handlers) -> {
                String[] segments = path.split("/", -1);
                if (List.of(segments).stream().anyMatch(Routes::isParameter)) {
                    patterns.add(new Pattern(segments, Map.copyOf(handlers)));
                } else {
                    exact.put(path, Map.copyOf(handlers));
                }
            });
            return new Routes(Map.copyOf(exact), List.copyOf(patterns));
        }
    }
}
