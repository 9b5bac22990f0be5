package io.servd.servctl.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpResponseTextTest {

    private static byte[] bytes(String escaped) {
        return escaped.replace("\\r\\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # response                                                      | status | body
            HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\n{}                  | 200    | {}
            # bytes past Content-Length are ignored
            HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\n{}garbage           | 200    | {}
            # no framing: the body runs to the end of the stream
            HTTP/1.0 404 Not Found\\r\\n\\r\\n{"error":"x"}                      | 404    | {"error":"x"}
            # reason phrase is optional
            HTTP/1.1 204\\r\\n\\r\\n                                             | 204    | ''
            HTTP/1.1 200 OK\\r\\ntransfer-encoding: Chunked\\r\\n\\r\\n2\\r\\nab\\r\\n0\\r\\n\\r\\n | 200 | ab
            """)
    void parses(String response, int status, String body) throws IOException {
        assertThat(HttpResponseText.parse(bytes(response), "peer")).isEqualTo(new AgentResponse(status, body));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # response                                          | message
            SSH-2.0-OpenSSH\\r\\n\\r\\n                              | not an HTTP response from [peer]: [SSH-2.0-OpenSSH]
            HTTP/1.1 200 OK\\r\\nContent-Le                       | incomplete HTTP response from [peer]: [HTTP/1.1 200 OK]
            HTTP/1.1 2x0 OK\\r\\n\\r\\n                              | not an HTTP response from [peer]: [HTTP/1.1 2x0 OK]
            HTTP/1.1 200 OK\\r\\nContent-Length: 9\\r\\n\\r\\n{}     | truncated body from [peer]: [2] of [9] bytes
            HTTP/1.1 200 OK\\r\\nContent-Length: x\\r\\n\\r\\n{}     | malformed Content-Length from [peer]: [x]
            HTTP/1.1 200 OK\\r\\nno colon\\r\\n\\r\\n                 | malformed header from [peer]: [no colon]
            HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n | malformed chunk size from [peer]: [zz]
            """)
    void rejectsWithTheOffendingTextInBrackets(String response, String message) {
        assertThatThrownBy(() -> HttpResponseText.parse(bytes(response), "peer"))
                .isInstanceOf(IOException.class).hasMessage(message);
    }
}
