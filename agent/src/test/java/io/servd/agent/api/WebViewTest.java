package io.servd.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.agent.http.Routes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code GET /} and {@code /ui/{file}} through servd's real HTTP pipeline (bytes in, bytes out). */
class WebViewTest {
    private static final Path SOURCES = Path.of("src", "main", "resources", "io", "servd", "agent", "web");

    private final WebView web = new WebView();
    private final Routes routes = web.register(Routes.builder()).build();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # path             | file       | media type
        /                  | index.html | text/html; charset=utf-8
        /ui/index.html     | index.html | text/html; charset=utf-8
        /ui/app.js         | app.js     | text/javascript; charset=utf-8
        /ui/series.js      | series.js  | text/javascript; charset=utf-8
        /ui/plot.js        | plot.js    | text/javascript; charset=utf-8
        /ui/servd.css      | servd.css  | text/css; charset=utf-8
        /ui/icon.svg       | icon.svg   | image/svg+xml
        /?x=1              | index.html | text/html; charset=utf-8
        """)
    void servesEachFileWithItsTypeAndHeaders(String path, String file, String type) throws IOException {
        var response = Exchange.http(routes, Exchange.get(path));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).isEqualTo(type);
        assertThat(response.body()).isEqualTo(Files.readString(SOURCES.resolve(file), StandardCharsets.UTF_8));
        assertThat(response.header("Content-Length")).isEqualTo(Long.toString(Files.size(SOURCES.resolve(file))));
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("Content-Security-Policy"))
                .contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'",
                        "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:", "*");
        assertThat(response.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(response.header("ETag")).matches("\"[0-9a-f]{32}\"");
    }

    @Test
    void headHasTheLengthAndNoBody() {
        var get = Exchange.http(routes, Exchange.get("/ui/app.js"));
        var head = Exchange.http(routes, "HEAD /ui/app.js HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.header("Content-Length")).isEqualTo(get.header("Content-Length")).isNotEqualTo("0");
        assertThat(head.header("ETag")).isEqualTo(get.header("ETag"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # If-None-Match, with TAG replaced by the file's ETag
        TAG
        W/TAG
        "other", TAG
        *
        """)
    void aMatchingIfNoneMatchIs304WithoutABody(String ifNoneMatch) {
        String etag = Exchange.http(routes, Exchange.get("/ui/series.js")).header("ETag");
        var response = Exchange.http(routes, "GET /ui/series.js HTTP/1.1\r\nHost: x\r\nIf-None-Match: "
                + ifNoneMatch.replace("TAG", etag) + "\r\n\r\n");

        assertThat(response.status()).isEqualTo(304);
        assertThat(response.body()).isEmpty();
        assertThat(response.header("ETag")).isEqualTo(etag);
        assertThat(response.header("Connection")).as("the connection stays open").isNull();
    }

    @Test
    void anotherEtagIsTheWholeFile() {
        var response = Exchange.http(routes, "GET /ui/series.js HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"0123\"\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("const ServdSeries");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # path                          | status
        /ui/nothing.js                  | 404
        /ui/                            | 404
        /ui                             | 404
        /index.html                     | 404
        # a parameter is one segment, decoded: traversal names no file of the list
        /ui/..%2F..%2Fpom.xml           | 404
        /ui/..%2Fapi%2FWebView.class    | 404
        /ui/%2E%2E                      | 404
        /ui/app.js%00                   | 404
        /ui/APP.JS                      | 404
        /ui/a/app.js                    | 404
        /ui/%ZZ                         | 400
        """)
    void unknownPathsAre404InTheErrorShape(String path, int status) {
        var response = Exchange.http(routes, Exchange.get(path));

        assertThat(response.status()).isEqualTo(status);
        assertThat(response.header("Content-Type")).isEqualTo("application/json");
        assertThat(response.body()).startsWith("{\"error\":");
    }

    @Test
    void writesAreRefusedWith405() {
        var response = Exchange.http(routes, Exchange.put("/ui/app.js", "text/plain", "x"));

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.header("Allow")).isEqualTo("GET, HEAD");
    }

    @Test
    void everyFileInTheSourcesIsServedAndEveryServedFileExists() throws IOException {
        try (Stream<Path> files = Files.list(SOURCES)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrderElementsOf(WebView.FILES.keySet());
        }
    }

    /** The CSP forbids inline script and style: the page must not depend on any, nor on another origin. */
    @Test
    void thePageHasNoInlineScriptOrStyleAndNothingFromElsewhere() throws IOException {
        String html = Files.readString(SOURCES.resolve("index.html"));
        Matcher scripts = java.util.regex.Pattern.compile("<script([^>]*)>").matcher(html);
        List<String> attributes = scripts.results().map(m -> m.group(1)).toList();

        assertThat(attributes).isNotEmpty().allSatisfy(a -> assertThat(a).contains("src=\"/ui/"));
        assertThat(html).doesNotContain("style=", "<style", "onload=", "onclick=", "javascript:", "http://", "https://");
        for (String file : List.of("app.js", "plot.js", "series.js", "servd.css")) {
            // the one URL in the scripts is SVG's namespace, a name, never fetched
            assertThat(Files.readString(SOURCES.resolve(file)).replace("'http://www.w3.org/2000/svg'", "")).as(file)
                    .doesNotContain("http://", "https://", "eval(", "new Function", "innerHTML", "setAttribute('style'");
        }
    }
}
