package io.servd.servctl.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Parses a complete HTTP/1.1 response as read from a connection the server closed: status line,
 * headers, then a body framed by {@code Content-Length}, {@code Transfer-Encoding: chunked}, or the
 * end of the stream (RFC 9112 §6.3).
 */
final class HttpResponseText {

    private HttpResponseText() {
    }

    /**
     * @param raw  every byte received
     * @param from the peer, named in error messages
     * @throws IOException when the bytes are not an HTTP/1.x response, naming the first line in brackets
     */
    static AgentResponse parse(byte[] raw, String from) throws IOException {
        int headEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (headEnd < 0) {
            throw new IOException("incomplete HTTP response from [" + from + "]: [" + firstLine(raw) + "]");
        }
        String[] lines = new String(raw, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
        // status-line = HTTP-version SP status-code SP [ reason-phrase ]
        String[] status = lines[0].split(" ", 3);
        int code;
        try {
            // status-code = 3DIGIT (parseInt alone takes "+20", "-1" and non-ASCII digits), and
            // AgentResponse takes 100-599 only: "000" threw its IllegalArgumentException out of here
            if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !isDigits(status[1], 10, 3, 3)) {
                throw new NumberFormatException();
            }
            code = Integer.parseInt(status[1]);
            if (code < 100 || code > 599) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP response from [" + from + "]: [" + lines[0] + "]");
        }
        long contentLength = -1;
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header from [" + from + "]: [" + lines[i] + "]");
            }
            String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).strip();
            if (name.equals("content-length")) {
                try {
                    // Content-Length = 1*DIGIT: not "-5" (which read as absent), "+5" or non-ASCII digits
                    if (!isDigits(value, 10, 1, 18)) {
                        throw new NumberFormatException();
                    }
                    contentLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IOException("malformed Content-Length from [" + from + "]: [" + value + "]");
                }
            } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        int bodyStart = headEnd + 4;
        byte[] body;
        if (chunked) {
            body = dechunk(raw, bodyStart, from);
        } else if (contentLength >= 0) {
            if (raw.length - bodyStart < contentLength) {
                throw new IOException("truncated body from [" + from + "]: [" + (raw.length - bodyStart) + "] of ["
                        + contentLength + "] bytes");
            }
            body = Arrays.copyOfRange(raw, bodyStart, bodyStart + (int) contentLength);
        } else {
            body = Arrays.copyOfRange(raw, bodyStart, raw.length);
        }
        return new AgentResponse(code, new String(body, StandardCharsets.UTF_8));
    }

    // chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF; last-chunk = 1*"0" CRLF
    private static byte[] dechunk(byte[] raw, int from, String peer) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int pos = from;
        while (true) {
            int eol = indexOf(raw, pos, "\r\n".getBytes(StandardCharsets.US_ASCII));
            if (eol < 0) {
                throw new IOException("truncated chunked body from [" + peer + "]");
            }
            String sizeText = new String(raw, pos, eol - pos, StandardCharsets.ISO_8859_1).split(";", 2)[0].strip();
            // chunk-size = 1*HEXDIG: a sign made the size negative, and then write() threw out of bounds
            if (!isDigits(sizeText, 16, 1, 15)) {
                throw new IOException("malformed chunk size from [" + peer + "]: [" + sizeText + "]");
            }
            long size = Long.parseLong(sizeText, 16);
            if (size == 0) {
                return body.toByteArray();
            }
            int data = eol + 2;
            // in long: as int, eol + 2 + size overflowed for sizes near 2^31 and passed the check
            if (data + size + 2 > raw.length) {
                throw new IOException("truncated chunk from [" + peer + "]: [" + sizeText + "]");
            }
            int end = data + (int) size;
            if (raw[end] != '\r' || raw[end + 1] != '\n') {
                throw new IOException("malformed chunk from [" + peer + "]: no CRLF after [" + sizeText + "] bytes");
            }
            body.write(raw, data, (int) size);
            pos = end + 2;
        }
    }

    /** Whether {@code s} is {@code min} to {@code max} ASCII digits of {@code radix} (10 or 16). */
    private static boolean isDigits(String s, int radix, int min, int max) {
        return s.length() >= min && s.length() <= max
                && s.chars().allMatch(c -> c < 128 && Character.digit(c, radix) >= 0);
    }

    private static String firstLine(byte[] raw) {
        String s = new String(raw, 0, Math.min(raw.length, 200), StandardCharsets.ISO_8859_1);
        int eol = s.indexOf('\r');
        return eol < 0 ? s : s.substring(0, eol);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        return indexOf(haystack, 0, needle);
    }

    private static int indexOf(byte[] haystack, int from, byte[] needle) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
