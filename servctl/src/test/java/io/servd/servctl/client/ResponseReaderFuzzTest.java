package io.servd.servctl.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servd.testsupport.NearMiss;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Agent replies written from HTTP/1.1's grammar (RFC 9112: status line, fields, a body framed by
 * Content-Length, chunked, or the end of the stream), then near misses and cuts at every byte (issue 12
 * item 6): {@link ResponseReader} (through {@link Replies#read}) returns the response or throws {@link IOException} naming the
 * peer; nothing else escapes, and a framed reply cut short is never taken for a shorter one.
 */
class ResponseReaderFuzzTest {

    private static final String FROM = "/run/servd/control.sock";

    /** A reply as the agent sends it, and what it means. */
    record Written(String text, AgentResponse meaning, boolean framed) {
        @Override
        public String toString() {
            return text.replace("\r\n", "\\r\\n");
        }
    }

    @Property
    void writtenReplyParsesToWhatItSays(@ForAll("replies") Written reply) throws IOException {
        assertThat(Replies.read(bytes(reply.text()), FROM)).isEqualTo(reply.meaning());
    }

    @Property
    void nearMissParsesOrIsRefusedNamingThePeer(@ForAll("nearMisses") String text) {
        parsesOrRefuses(bytes(text));
    }

    @Property(tries = 300)
    void framedReplyCutAtAnyByteIsRefusedOrWhole(@ForAll("replies") Written reply) {
        List<byte[]> prefixes = NearMiss.bytePrefixes(reply.text());
        for (byte[] prefix : prefixes.subList(0, prefixes.size() - 1)) {
            Optional<AgentResponse> parsed = parsesOrRefuses(prefix);
            if (reply.framed() && parsed.isPresent()) {
                assertThat(parsed.get()).isEqualTo(reply.meaning());
            }
        }
    }

    /** chunk-size = 1*HEXDIG: any other size line, signed or beyond an int, is refused, never thrown through. */
    @Property
    void anyChunkSizeLineIsReadOrRefused(@ForAll("chunkSizes") String size, @ForAll("bodies") String data) {
        String reply = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\n" + data
                + "\r\n0\r\n\r\n";
        Optional<AgentResponse> parsed = parsesOrRefuses(bytes(reply));
        // a size of zero is the last chunk: what follows is a trailer section, which we do not read
        parsed.ifPresent(r -> assertThat(r.body()).isIn(data, ""));
    }

    /** A chunk whose data is longer or shorter than its size says is refused, not read as another body. */
    @Property
    void chunkOfTheWrongSizeIsRefused(@ForAll("bodies") String data, @ForAll @IntRange(min = -3, max = 3) int delta) {
        int announced = Math.max(1, bytes(data).length + delta); // 0 would be the last chunk
        String reply = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(announced)
                + "\r\n" + data + "\r\n0\r\n\r\n";
        Optional<AgentResponse> parsed = parsesOrRefuses(bytes(reply));
        if (announced == bytes(data).length) {
            assertThat(parsed).contains(new AgentResponse(200, data));
        } else {
            assertThat(parsed).isEmpty();
        }
    }

    /**
     * The replies issue 12's fuzzing found servctl's own parser taking or throwing through; Netty's codec
     * (issue 16) refuses each, naming the peer.
     */
    @Example
    void repliesTheFirstRunRefusedWrongly() {
        for (String[] row : new String[][] {
                {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nx\r\n0\r\n\r\n",
                    "not an HTTP response from [" + FROM + "]: [Invalid character in chunk size]"},
                {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffff\r\nx\r\n0\r\n\r\n",
                    "incomplete answer from [" + FROM + "]"},
                {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
                    "not an HTTP response from [" + FROM + "]: [Chunk data sections must be terminated by a CR LF octet pair]"},
                {"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n{}",
                    "not an HTTP response from [" + FROM + "]: [Content-Length value is not a number: -5]"},
                {"HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\n{}",
                    "not an HTTP response from [" + FROM + "]: [Content-Length value is not a number: +2]"},
                {"HTTP/1.1 000 OK\r\n\r\n", "not an HTTP response from [" + FROM + "]: status [0]"}}) {
            assertThatThrownBy(() -> Replies.read(bytes(row[0]), FROM))
                    .isInstanceOf(IOException.class).hasMessageStartingWith(row[1]);
        }
    }

    /** The property: a response, or our exception naming the peer in brackets. */
    private static Optional<AgentResponse> parsesOrRefuses(byte[] raw) {
        try {
            return Optional.of(Replies.read(raw, FROM));
        } catch (IOException e) {
            assertThat(e.getMessage()).contains(" from [" + FROM + "]");
            return Optional.empty();
        }
    }

    @Provide
    Arbitrary<Written> replies() {
        Arbitrary<Integer> status = Arbitraries.of(200, 201, 204, 400, 401, 403, 404, 409, 413, 421, 500, 503, 505);
        Arbitrary<String> reason = Arbitraries.of(" OK", " Not Found", "", " ");
        Arbitrary<String> body = Arbitraries.oneOf(
                Arbitraries.of("", "{}", "{\"error\":{\"code\":\"not_found\",\"message\":\"no unit [a.service]\"}}",
                        "{\"units\":[{\"name\":\"caf\u00e9.service\"}]}"),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(300));
        Arbitrary<Integer> framing = Arbitraries.integers().between(0, 2);
        Arbitrary<List<Integer>> cuts = Arbitraries.integers().between(1, 40).list().ofMaxSize(5);
        return Combinators.combine(status, reason, body, framing, cuts, Arbitraries.of(true, false))
                .as((code, why, anyText, frame, chunks, upper) -> {
                    String text = code == 204 ? "" : anyText; // 204 has no content (RFC 9110 §15.3.5)
                    StringBuilder head = new StringBuilder("HTTP/1.1 " + code + why + "\r\n")
                            .append("Content-Type: application/json\r\n");
                    byte[] payload = bytes(text);
                    String framed = switch (frame) {
                        case 0 -> head.append("Content-Length: ").append(payload.length).append("\r\n\r\n") + text;
                        case 1 -> head.append("transfer-encoding: chunked\r\n\r\n") + chunked(text, chunks, upper);
                        default -> head.append("Connection: close\r\n\r\n") + text;
                    };
                    return new Written(framed, new AgentResponse(code, text), frame != 2);
                });
    }

    @Provide
    Arbitrary<String> bodies() {
        return Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(40);
    }

    @Provide
    Arbitrary<String> chunkSizes() {
        Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofMinLength(1).ofMaxLength(17);
        Arbitrary<String> edge = Arbitraries.of("7fffffff", "80000000", "ffffffff", "100000000", "7fffffffffffffff",
                "8000000000000000", "ffffffffffffffff", "0", "00", "1", "28");
        return Arbitraries.oneOf(hex, edge).flatMap(h -> Arbitraries.of("", "-", "+", " ", "0x", "\u0663")
                .flatMap(prefix -> Arbitraries.of("", ";ext=1", " ", ";").map(suffix -> prefix + h + suffix)));
    }

    @Provide
    Arbitrary<String> nearMisses() {
        return NearMiss.of(replies().map(Written::text));
    }

    /** {@code text} as chunks of the given sizes (in chars; the rest in one last chunk), some with an extension. */
    private static String chunked(String text, List<Integer> sizes, boolean upperCase) {
        List<String> parts = new ArrayList<>();
        int at = 0;
        for (int size : sizes) {
            if (at + size > text.length()) {
                break;
            }
            parts.add(text.substring(at, at + size));
            at += size;
        }
        parts.add(text.substring(at));
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            if (part.isEmpty()) {
                continue;
            }
            String hex = Integer.toHexString(bytes(part).length);
            out.append(upperCase ? hex.toUpperCase(java.util.Locale.ROOT) : hex + ";ext=1").append("\r\n")
                    .append(part).append("\r\n");
        }
        return out.append("0\r\n\r\n").toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
