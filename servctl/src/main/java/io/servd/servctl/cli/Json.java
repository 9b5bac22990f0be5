package io.servd.servctl.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * JSON as servctl reads and writes it: jackson-databind's tree ({@link JsonNode}). servctl only reshapes
 * what the agent sends, so it binds no classes; the tree keeps object members in document order and
 * holds any integer exactly ({@code IntNode}/{@code LongNode}, and {@code BigIntegerNode} beyond a
 * long: the agent may send D-Bus' {@code UINT64_MAX}, 18446744073709551615, issue 16).
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            // one document per answer: "{} {}" is not JSON, and not silently its first half
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /**
     * Parses one JSON document.
     *
     * @throws IOException when {@code text} is empty or not exactly one JSON value, with the parser's location
     */
    public static JsonNode parse(String text) throws IOException {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IOException(e.getOriginalMessage() + (e.getLocation() == null ? "" : " at " + e.getLocation()), e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new IOException("empty JSON document");
        }
        return tree;
    }

    /** {@code value} (a {@link JsonNode}, or maps, lists, strings, numbers and booleans) as indented JSON, one trailing newline. */
    public static String formatPretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing JSON to a string failed", e);
        }
    }

    /** {@code value} as {@link #formatPretty} takes it, on one line with no trailing newline (JSON Lines). */
    public static String formatCompact(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing JSON to a string failed", e);
        }
    }
}
