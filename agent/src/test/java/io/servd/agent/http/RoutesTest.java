package io.servd.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutesTest {
    private final Routes routes = Routes.builder()
            .get("/v1/units", r -> Reply.json(HttpResponseStatus.OK, Map.of("route", "list")))
            .route(HttpMethod.GET, "/v1/units/{unit}", r -> Reply.json(HttpResponseStatus.OK,
                    Map.of("route", "one", "unit", r.param("unit"))))
            .route(HttpMethod.PUT, "/v1/units/{unit}/limits", r -> Reply.json(HttpResponseStatus.OK,
                    Map.of("route", "limits", "unit", r.param("unit"))))
            // a literal route that looks like a parameter value: exact routes win
            .get("/v1/units/special", r -> Reply.json(HttpResponseStatus.OK, Map.of("route", "special")))
            .build();

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # method | uri                                     | status | body fragment
        GET      | /v1/units                               | 200    | "route":"list"
        GET      | /v1/units?x=1                           | 200    | "route":"list"
        GET      | /v1/units/special                       | 200    | "route":"special"
        GET      | /v1/units/foo.service                   | 200    | "unit":"foo.service"
        HEAD     | /v1/units/foo.service                   | 200    | "unit":"foo.service"
        # a parameter is one raw segment, decoded on its own
        GET      | /v1/units/a%2Fb.service                 | 200    | "unit":"a/b.service"
        GET      | /v1/units/..%2F..%2Fetc%2Fpasswd        | 200    | "unit":"../../etc/passwd"
        GET      | /v1/units/foo%00.service                | 200    | "unit":"foo\\u0000.service"
        GET      | /v1/units/getty%40tty1.service          | 200    | "unit":"getty@tty1.service"
        GET      | /v1/units/a+b.service                   | 200    | "unit":"a+b.service"
        # unencoded slashes make more segments: no route
        GET      | /v1/units/a/b.service                   | 404    | no resource at [/v1/units/a/b.service]
        GET      | /v1/units/                              | 404    | no resource
        GET      | /v1/units//limits                       | 404    | no resource
        PUT      | /v1/units/foo.service/limits            | 200    | "route":"limits"
        GET      | /v1/units/foo.service/limits            | 405    | [GET] is not allowed on [/v1/units/foo.service/limits]
        DELETE   | /v1/units/foo.service                   | 405    | not allowed
        """)
    void routes(String method, String uri, int status, String fragment) {
        var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), uri, Unpooled.EMPTY_BUFFER);
        Reply reply = routes.dispatch(request, new EmbeddedChannel());
        assertThat(reply.status().code()).isEqualTo(status);
        assertThat(new String(reply.body(), StandardCharsets.UTF_8)).contains(fragment);
    }

    @org.junit.jupiter.api.Test
    void allowHeaderListsTheMethodsOfTheMatchedPattern() {
        var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/units/x.service/limits");
        Reply reply = routes.dispatch(request, new EmbeddedChannel());
        assertThat(reply.headers()).contains(Map.entry("Allow", "PUT"));
    }
}
