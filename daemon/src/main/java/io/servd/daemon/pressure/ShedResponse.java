package io.servd.daemon.pressure;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The refusal, encoded once: a complete HTTP/1.1 {@code 503} with {@code Retry-After},
 * {@code Content-Length} and {@code Connection: close}, its body in servd's JSON error shape
 * ({@code {"error": "...", "detail": "..."}}). It is written without the application's HTTP codec
 * (the handler sits before it), so it must be, and is, a whole and correct response on its own.
 */
final class ShedResponse {
    private final ByteBuf wire;
    private final List<byte[]> exemptTargets;

    ShedResponse(Duration retryAfter, List<String> exemptPaths) {
        long seconds = retryAfter.toSeconds();
        String body = "{\"error\":\"overloaded\",\"detail\":\"shedding load under memory pressure: retry after ["
                + seconds + "] s\"}\n"; // a final newline, as the agent's JSON replies have
        String head = "HTTP/1.1 503 Service Unavailable\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n"
                + "Retry-After: " + seconds + "\r\n"
                + "Cache-Control: no-store\r\n"
                + "Connection: close\r\n"
                + "\r\n";
        this.wire = Unpooled.unreleasableBuffer(
                Unpooled.wrappedBuffer((head + body).getBytes(StandardCharsets.US_ASCII)).asReadOnly());
        this.exemptTargets = exemptPaths.stream().map(p -> p.getBytes(StandardCharsets.US_ASCII)).toList();
    }

    /** The response bytes; a fresh view each time, never released. */
    ByteBuf wire() {
        return wire.duplicate();
    }

    /**
     * Whether the request starting at {@code in}'s reader index targets an exempt path: its request
     * line reads {@code METHOD SP path (SP | "?")} with {@code path} one of the exempt ones. A first
     * read too short to tell is not exempt.
     */
    boolean isExempt(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        int space = in.indexOf(start, Math.min(end, start + 16), (byte) ' '); // the longest method is 7 bytes
        if (space < 0) {
            return false;
        }
        int target = space + 1;
        for (byte[] path : exemptTargets) {
            int after = target + path.length;
            if (after < end && matches(in, target, path) && (in.getByte(after) == ' ' || in.getByte(after) == '?')) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(ByteBuf in, int at, byte[] path) {
        for (int i = 0; i < path.length; i++) {
            if (in.getByte(at + i) != path[i]) {
                return false;
            }
        }
        return true;
    }
}
