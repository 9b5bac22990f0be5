package io.servd.agent.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Routing by path: exact paths ({@code /healthz}) first, then patterns whose segments may be
 * parameters ({@code /v1/units/{unit}/limits}), in registration order. A parameter matches exactly
 * one raw path segment, which is percent-decoded on its own: {@code a%2Fb.service} is the value
 * {@code a/b.service}, never two segments, so a handler sees what the client meant and can reject it.
 * Unknown paths answer 404 and a known path with another method answers 405 with {@code Allow}, both
 * in the JSON error shape. {@code HEAD} is served by the {@code GET} handler (the codec drops the body).
 *
 * <p>A route declares what it needs before its body is read: whether it takes a {@link Body} at all
 * (and of which media type) and the {@link HeadCheck} that admits a request, e.g. write access.
 * {@link #refusal} decides on the head alone, which is what {@link HeadGate} asks before any body byte
 * is read; {@link #answer} decides the same again, so a handler never sees a request its route refuses.
 * A path with a malformed percent-escape ({@code %ZZ}, a trailing {@code %}) answers 400.
 *
 * <p>Handlers run on the connection's event loop and must not block it. A route whose work blocks
 * (D-Bus, disk) registers an {@link AsyncHandler}: it reads what it needs from the request on the
 * event loop and returns a stage completed elsewhere; {@link RequestHandler} writes the answer when
 * the stage completes, meanwhile the loop serves other connections.
 */
public final class Routes {
    private final Map<String, Map<HttpMethod, Route>> exact;
    private final List<Pattern> patterns;

    private Routes(Map<String, Map<HttpMethod, Route>> exact, List<Pattern> patterns) {
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
     * Answers a request later: called on the event loop, it must read the request (its body is
     * released when this returns) and hand any blocking work to an executor, returning its stage.
     */
    @FunctionalInterface
    public interface AsyncHandler {
        CompletionStage<Reply> handle(Request request);
    }

    /** What a route accepts as a request body. */
    public enum Body {
        /** No body: a request announcing one answers 413 before it is read. */
        NONE,
        /** Any body of at most {@link HttpApi#MAX_BODY_BYTES}, of any media type. */
        ANY,
        /** A JSON document ({@code Content-Type: application/json}, else 415) of at most {@link HttpApi#MAX_BODY_BYTES}. */
        JSON
    }

    /** Admits or refuses a request on its head, before any body byte is read (e.g. write access). */
    @FunctionalInterface
    public interface HeadCheck {
        /** Admits everyone: the read routes. */
        HeadCheck OPEN = head -> Optional.empty();

        /** The reply refusing {@code head}, or empty to admit it. */
        Optional<Reply> refusal(Head head);
    }

    /**
     * A routed request before its body: what {@link HeadCheck}s decide on.
     *
     * @param http    the request line and headers
     * @param params  path parameters by name, percent-decoded (empty for exact routes)
     * @param channel the connection, for per-listener facts such as peer credentials
     */
    public record Head(HttpRequest http, Map<String, String> params, Channel channel) {
        public Head {
            Objects.requireNonNull(http, "http");
            params = Map.copyOf(params);
            Objects.requireNonNull(channel, "channel");
        }
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

        /** This request's head, as its route's {@link HeadCheck} saw it. */
        public Head head() {
            return new Head(http, params, channel);
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

    /**
     * The reply refusing {@code head} on {@code channel}, decided before any body byte is read: 400
     * (malformed escape), 404, 405, the route's {@link HeadCheck}, then its {@link Body} (413, 415).
     * Empty when the route's handler may see the request.
     */
    Optional<Reply> refusal(HttpRequest head, Channel channel) {
        return decide(head, channel).refusal();
    }

    /**
     * The answer to {@code request} arriving on {@code channel}: already complete for a refusal and for
     * plain {@link Handler}s, later for an {@link AsyncHandler}'s route. Throws (or completes
     * exceptionally) only when a handler fails.
     */
    CompletionStage<Reply> answer(FullHttpRequest request, Channel channel) {
        Decision decision = decide(request, channel);
        if (decision.refusal().isPresent()) {
            return CompletableFuture.completedFuture(decision.refusal().get());
        }
        return decision.route().get().handler().handle(new Request(request, decision.params(), channel));
    }

    /** {@link #answer}, waited for: for tests of routes that answer at once. */
    Reply dispatch(FullHttpRequest request, Channel channel) {
        return answer(request, channel).toCompletableFuture().join();
    }

    /** A route's verdict: a refusal, or the route and its parameters. */
    private record Decision(Optional<Reply> refusal, Optional<Route> route, Map<String, String> params) {
        static Decision refused(Reply reply) {
            return new Decision(Optional.of(reply), Optional.empty(), Map.of());
        }
    }

    private Decision decide(HttpRequest request, Channel channel) {
        var decoder = new QueryStringDecoder(request.uri());
        String path;
        Optional<Match> found;
        try {
            path = decoder.path();
            decoder.parameters(); // decoded lazily: a bad escape in the query would surface in a handler
            found = find(path, decoder.rawPath());
        } catch (IllegalArgumentException e) {
            return Decision.refused(Reply.error(HttpResponseStatus.BAD_REQUEST, "bad request",
                    "malformed percent-encoding in [" + request.uri() + "]: " + e.getMessage()));
        }
        if (found.isEmpty()) {
            return Decision.refused(Reply.error(HttpResponseStatus.NOT_FOUND, "not found", "no resource at [" + path + "]"));
        }
        Map<HttpMethod, Route> routes = found.get().routes();
        HttpMethod method = request.method();
        HttpMethod routed = HttpMethod.HEAD.equals(method) ? HttpMethod.GET : method;
        if (!routes.containsKey(routed)) {
            Set<String> allowed = new TreeSet<>();
            routes.keySet().forEach(m -> allowed.add(m.name()));
            if (allowed.contains("GET")) {
                allowed.add("HEAD");
            }
            return Decision.refused(Reply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed",
                            "[" + method + "] is not allowed on [" + path + "]")
                    .withHeader("Allow", String.join(", ", allowed)));
        }
        Route route = routes.get(routed);
        Optional<Reply> refused = route.check().refusal(new Head(request, found.get().params(), channel));
        if (refused.isPresent()) {
            return Decision.refused(refused.get());
        }
        if (route.body() == Body.NONE && HeadGate.announcesBody(request)) {
            return Decision.refused(Reply.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large",
                    "[" + method + " " + path + "] takes no body"));
        }
        if (route.body() == Body.JSON) {
            CharSequence mime = HttpUtil.getMimeType(request);
            if (mime == null || !"application/json".contentEquals(mime.toString().toLowerCase(java.util.Locale.ROOT))) {
                return Decision.refused(Reply.error(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported media type",
                        "expected [application/json], got [" + request.headers().get(HttpHeaderNames.CONTENT_TYPE) + "]"));
            }
        }
        return new Decision(Optional.empty(), Optional.of(route), found.get().params());
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
                return Optional.of(new Match(p.routes, params.get()));
            }
        }
        return Optional.empty();
    }

    private record Match(Map<HttpMethod, Route> routes, Map<String, String> params) {}

    private record Route(AsyncHandler handler, Body body, HeadCheck check) {}

    /** A route with {@code {name}} segments; literal segments compare with the raw (undecoded) path. */
    private static final class Pattern {
        private final String[] segments;
        private final Map<HttpMethod, Route> routes;

        Pattern(String[] segments, Map<HttpMethod, Route> routes) {
            this.segments = segments;
            this.routes = routes;
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
        private final Map<String, Map<HttpMethod, Route>> byPath = new LinkedHashMap<>();

        private Builder() {}

        public Builder get(String path, Function<FullHttpRequest, Reply> handler) {
            return add(HttpMethod.GET, path, handler);
        }

        /** A {@code GET} open to everyone, answered later ({@link AsyncHandler}): a read done off the event loop. */
        public Builder getAsync(String path, AsyncHandler handler) {
            return routeAsync(HttpMethod.GET, path, Body.NONE, HeadCheck.OPEN, handler);
        }

        public Builder add(HttpMethod method, String path, Function<FullHttpRequest, Reply> handler) {
            Objects.requireNonNull(handler, "handler");
            return route(method, path, request -> handler.apply(request.http()));
        }

        /**
         * Adds a route open to everyone; {@code path} may contain parameter segments such as
         * {@code {unit}}, which match one non-empty segment each. A {@code GET} takes no body
         * ({@link Body#NONE}); other methods take any body up to the cap ({@link Body#ANY}).
         */
        public Builder route(HttpMethod method, String path, Handler handler) {
            Objects.requireNonNull(method, "method");
            return route(method, path, HttpMethod.GET.equals(method) ? Body.NONE : Body.ANY, HeadCheck.OPEN, handler);
        }

        /**
         * Adds a route that takes {@code body} and admits only requests {@code check} lets through;
         * both are decided on the request's head, before any body byte is read.
         */
        public Builder route(HttpMethod method, String path, Body body, HeadCheck check, Handler handler) {
            Objects.requireNonNull(handler, "handler");
            return routeAsync(method, path, body, check, request -> CompletableFuture.completedFuture(handler.handle(request)));
        }

        /**
         * As {@link #route(HttpMethod, String, Body, HeadCheck, Handler)}, for a handler whose answer
         * comes later (blocking work done off the event loop).
         */
        public Builder routeAsync(HttpMethod method, String path, Body body, HeadCheck check, AsyncHandler handler) {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(check, "check");
            Objects.requireNonNull(handler, "handler");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("route path must start with '/': [" + path + "]");
            }
            var previous = byPath.computeIfAbsent(path, p -> new LinkedHashMap<>()).putIfAbsent(method,
                    new Route(handler, body, check));
            if (previous != null) {
                throw new IllegalArgumentException("duplicate route [" + method + " " + path + "]");
            }
            return this;
        }

        public Routes build() {
            var exact = new LinkedHashMap<String, Map<HttpMethod, Route>>();
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
