package io.servd.servctl.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponseReaderTest {

    private static byte[] bytes(String escaped) {
        return escaped.replace("\\r\\n", "\r\n").replace("\\n", "\n").getBytes(StandardCharsets.UTF_8);
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
        assertThat(Replies.read(bytes(response), "peer")).isEqualTo(new AgentResponse(status, body));
    }

    /** Refusals name the peer, and the offending value where Netty's decoder names it. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # response                                          | message
            SSH-2.0-OpenSSH\\r\\n\\r\\n                              | not an HTTP response from [peer]: [invalid version format: SSH-2.0-OPENSSH]
            HTTP/1.1 200 OK\\r\\nContent-Le                       | incomplete answer from [peer]: the connection closed before its end
            HTTP/1.1 2x0 OK\\r\\n\\r\\n                              | not an HTTP response from [peer]: [For input string: \"2x0\"]
            HTTP/1.1 200 OK\\r\\nContent-Length: 9\\r\\n\\r\\n{}     | incomplete answer from [peer]: the connection closed before its end
            HTTP/1.1 200 OK\\r\\nContent-Length: x\\r\\n\\r\\n{}     | not an HTTP response from [peer]: [Content-Length value is not a number: x]
            HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n | not an HTTP response from [peer]: [Invalid character in chunk size]
            # bare LF line ends (RFC 9112 §2.2 lets a recipient refuse them; Netty's strict line parsing does)
            HTTP/1.1 200 OK\\nContent-Length: 2\\n\\n{}              | not an HTTP response from [peer]: [Line Feed must be preceded by Carriage Return when terminating HTTP start- and header field-lines]
            # 000 is three digits, but no status code
            HTTP/1.1 000 OK\\r\\n\\r\\n                              | not an HTTP response from [peer]: status [0]
            """)
    void rejectsWithTheOffendingTextInBrackets(String response, String message) {
        assertThatThrownBy(() -> Replies.read(bytes(response), "peer"))
                .isInstanceOf(IOException.class).hasMessage(message);
    }

    @Test
    void nothingAtAllIsAnIncompleteAnswer() {
        assertThatThrownBy(() -> Replies.read(new byte[0], "peer"))
                .isInstanceOf(IOException.class).hasMessage("incomplete answer from [peer]: the connection closed before its end");
    }

    /**
     * Where Netty's decoder is more lenient than servctl's own parser was (issue 16 replaced it): a header
     * line without a colon and a signed status code are read, not refused. Neither changes what the
     * answer means, and the agent sends neither.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # response                                                      | status | body
            HTTP/1.1 200 OK\\r\\nno colon\\r\\nContent-Length: 2\\r\\n\\r\\n{}  | 200    | {}
            HTTP/1.1 +200 OK\\r\\nContent-Length: 2\\r\\n\\r\\n{}              | 200    | {}
            """)
    void readsWhatNettyTolerates(String response, int status, String body) throws IOException {
        assertThat(Replies.read(bytes(response), "peer")).isEqualTo(new AgentResponse(status, body));
    }
}
