package io.servd.agent.api;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.servd.agent.http.Reply;
import io.servd.agent.http.Routes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /} and {@code GET /ui/{file}}: the web view (DESIGN §3), plain HTML, CSS and JavaScript
 * from the jar's resources ({@value #RESOURCES}), written by us and served as they are: no build
 * step, no framework, nothing from another origin. The page reads the same JSON as every other
 * client ({@code /v1/units}, {@code /v1/units/{unit}}, {@code /v1/units/{unit}/history}).
 *
 * <p>The files are a fixed list ({@link #FILES}), read once when the routes are registered and held
 * in memory (about 40 KiB): a request names a key of that list or gets 404, so no path a client
 * sends ever reaches a class loader or a file system ({@code ..%2F}, {@code %00} are just unknown
 * names). Each answer carries:
 * <ul>
 *   <li>{@code Content-Security-Policy}: scripts, styles, images and requests from this origin
 *       only, no inline script or style sheet, no framing, no forms, no {@code <base>};</li>
 *   <li>an exact {@code Content-Type} (and, as every reply of the agent, {@code X-Content-Type-Options: nosniff});</li>
 *   <li>a strong {@code ETag} (the content's SHA-256) and {@code Cache-Control: no-cache}: a browser
 *       asks again each time and is answered {@code 304} without a body while the file is the same,
 *       so a new servd never leaves an old script in a cache, and the names need no version.</li>
 * </ul>
 * {@code HEAD} is answered by the {@code GET} handler (see {@link Routes}); handlers run on the event
 * loop, which is fine: they touch memory only.
 */
final class WebView {
    /** Where the files are, on the class path. */
    static final String RESOURCES = "/io/servd/agent/web/";

    /** Every file the view serves, by name under {@code /ui/}, with its media type. */
    static final Map<String, String> FILES = ordered(
            "index.html", "text/html; charset=utf-8",
            "servd.css", "text/css; charset=utf-8",
            "series.js", "text/javascript; charset=utf-8",
            "plot.js", "text/javascript; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "icon.svg", "image/svg+xml");

    /** The page's policy: everything from this origin, nothing inline, nothing embedding it. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Map<String, Asset> assets;

    /** One file, ready to send. */
    record Asset(String name, String contentType, byte[] body, String etag) {
        Asset {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(etag, "etag");
        }
    }

    /**
     * Reads every file of {@link #FILES} from the class path.
     *
     * @throws IllegalStateException naming the file when one is missing from the jar: a packaging bug,
     *                               found at start rather than by the first visitor
     */
    WebView() {
        var read = new LinkedHashMap<String, Asset>();
        FILES.forEach((name, type) -> {
            byte[] body = resource(name);
            read.put(name, new Asset(name, type, body, etag(body)));
        });
        this.assets = Map.copyOf(read);
    }

    /** Adds {@code GET /} and {@code GET /ui/{file}} to {@code routes}. */
    Routes.Builder register(Routes.Builder routes) {
        return routes
                .route(HttpMethod.GET, "/", request -> answer(request, "index.html"))
                .route(HttpMethod.GET, "/ui/{file}", request -> answer(request, request.param("file")));
    }

    /** The file {@code name}, when the view has one by that name. */
    Optional<Asset> find(String name) {
        return Optional.ofNullable(assets.get(name));
    }

    private Reply answer(Routes.Request request, String name) {
        Optional<Asset> asset = find(name);
        if (asset.isEmpty()) {
            return Reply.error(HttpResponseStatus.NOT_FOUND, "not found",
                    "no file [" + name + "] in the web view; it has " + FILES.keySet());
        }
        Asset a = asset.get();
        String ifNoneMatch = request.http().headers().get(HttpHeaderNames.IF_NONE_MATCH);
        // A 304 carries the representation's length and no body: the codec sends none for a 304,
        // as for a HEAD (RFC 9110 §8.6, §15.4.5), and the keep-alive handler sees a defined length.
        HttpResponseStatus status = matches(ifNoneMatch, a.etag()) ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK;
        return Reply.of(status, a.contentType(), a.body())
                .withHeader("ETag", a.etag())
                .withHeader("Cache-Control", "no-cache")
                .withHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .withHeader("Referrer-Policy", "no-referrer");
    }

    /**
     * Whether {@code If-None-Match} names {@code etag}: {@code *}, or a list of entity tags compared
     * weakly (RFC 9110 §13.1.2: {@code W/"x"} matches {@code "x"}); absent means no.
     */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.strip();
            if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = WebView.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("web view file [" + RESOURCES + name + "] is not on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading web view file [" + RESOURCES + name + "] failed", e);
        }
    }

    private static Map<String, String> ordered(String... nameThenType) {
        var map = new LinkedHashMap<String, String>();
        List<String> all = List.of(nameThenType);
        for (int i = 0; i < all.size(); i += 2) {
            map.put(all.get(i), all.get(i + 1));
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
