package io.servd.agent.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP answer: status, extra headers and a JSON body. Bodies are written with Jackson's
 * streaming generator, which escapes whatever a request path or an OS error message contains.
 * Every reply goes out with {@link #NOSNIFF}: its {@code Content-Type} is always exact, and a browser
 * must not read a JSON error that echoes a request path as a page or a script.
 *
 * @param status  the status line
 * @param headers extra response headers (name, value), e.g. {@code Allow} on a 405
 * @param body    UTF-8 JSON, newline-terminated; empty for a streamed reply
 * @param stream  a body written after the head at its own pace ({@link StreamedBody}), instead of {@code body}
 */
public record Reply(HttpResponseStatus status, List<Map.Entry<String, String>> headers, byte[] body,
                    java.util.Optional<StreamedBody> stream) {
    private static final JsonFactory JSON = new JsonFactory();
    /** The header every reply carries, whatever wrote it (the codec or {@link #toWire}). */
    public static final Map.Entry<String, String> NOSNIFF = Map.entry("X-Content-Type-Options", "nosniff");

    public Reply {
        Objects.requireNonNull(status, "status");
        headers = List.copyOf(headers);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(stream, "stream");
    }

    /** A reply with its whole body. */
    public Reply(HttpResponseStatus status, List<Map.Entry<String, String>> headers, byte[] body) {
        this(status, headers, body, java.util.Optional.empty());
    }

    /** A reply whose body {@code stream} writes after the head, of media type {@code contentType}. */
    public static Reply streamed(HttpResponseStatus status, String contentType, StreamedBody stream) {
        return new Reply(status, List.of(Map.entry("Content-Type", contentType)), new byte[0],
                java.util.Optional.of(stream));
    }

    /** A JSON object of string members, in the given order. */
    public static Reply json(HttpResponseStatus status, Map<String, String> members) {
        return new Reply(status, List.of(), object(members));
    }

    /** The DESIGN §3 error shape {@code {"error": "...", "detail": "..."}}. */
    public static Reply error(HttpResponseStatus status, String error, String detail) {
        var members = new LinkedHashMap<String, String>(4);
        members.put("error", error);
        members.put("detail", detail);
        return json(status, members);
    }

    /** A non-JSON body with its media type, e.g. the Prometheus text format. */
    public static Reply of(HttpResponseStatus status, String contentType, byte[] body) {
        return new Reply(status, List.of(Map.entry("Content-Type", contentType)), body);
    }

    /** This reply with one more header. */
    public Reply withHeader(String name, String value) {
        var more = new java.util.ArrayList<>(headers);
        more.add(Map.entry(name, value));
        return new Reply(status, more, body, stream);
    }

    /**
     * This reply as a whole HTTP/1.1 response with {@code Connection: close}, for answers written
     * below the HTTP codec: a connection over the listener's cap, a request that timed out.
     */
    public byte[] toWire() {
        var head = new StringBuilder(128).append("HTTP/1.1 ").append(status.code()).append(' ')
                .append(status.reasonPhrase()).append("\r\n");
        boolean typed = headers.stream().anyMatch(h -> h.getKey().equalsIgnoreCase("Content-Type"));
        if (!typed) {
            head.append("Content-Type: application/json\r\n");
        }
        headers.forEach(h -> head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n"));
        head.append(NOSNIFF.getKey()).append(": ").append(NOSNIFF.getValue()).append("\r\n");
        head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
        byte[] h = head.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] all = java.util.Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    private static byte[] object(Map<String, String> members) {
        var out = new ByteArrayOutputStream(64 + 32 * members.size());
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            for (var member : members.entrySet()) {
                json.writeStringField(member.getKey(), member.getValue());
            }
            json.writeEndObject();
        } catch (IOException e) {
            // A ByteArrayOutputStream does not fail; a failure here is a bug, not an input problem.
            throw new UncheckedIOException("writing json to memory failed", e);
        }
        out.write('\n');
        return out.toByteArray();
    }
}
