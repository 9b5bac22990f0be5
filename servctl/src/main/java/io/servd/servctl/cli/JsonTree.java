package io.servd.servctl.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A JSON document as plain Java values, read and written with jackson-core's streaming API (the JSON
 * library the daemon already ships): objects are {@code Map<String,Object>} in document order,
 * arrays {@code List<Object>}, numbers {@code Long} or {@code Double}, plus {@code String},
 * {@code Boolean} and {@link #NULL}. servctl only reshapes what the agent sends, so no binding is needed.
 *
 * @param value the root value
 */
public record JsonTree(Object value) {

    /** JSON {@code null} (records and maps refuse Java null). */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private static final JsonFactory FACTORY = new JsonFactory();

    public JsonTree {
        Objects.requireNonNull(value, "value");
    }

    /**
     * Parses one JSON document.
     *
     * @throws IOException when {@code text} is not JSON, with the parser's location
     */
    public static JsonTree parse(String text) throws IOException {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new IOException("empty JSON document");
            }
            Object v = read(p);
            if (p.nextToken() != null) {
                throw new IOException("trailing data after JSON document at " + p.currentLocation());
            }
            return new JsonTree(v);
        }
    }

    private static Object read(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    map.put(name, read(p));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p));
                }
                return list;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            case VALUE_NULL -> {
                return NULL;
            }
            default -> throw new IOException("unexpected JSON token [" + p.currentToken() + "] at " + p.currentLocation());
        }
    }

    /** The value at {@code key} when the root is an object holding it. */
    public Optional<Object> get(String key) {
        return value instanceof Map<?, ?> m && m.containsKey(key) ? Optional.of(m.get(key)) : Optional.empty();
    }

    /** This document as indented JSON, one trailing newline. */
    public String formatPretty() {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            write(g, value);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to a string failed", e);
        }
        return out + System.lineSeparator();
    }

    /** This document on one line, no trailing newline (JSON Lines). */
    public String formatCompact() {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to a string failed", e);
        }
        return out.toString();
    }

    /** Writes any value of the shapes above; other objects are written as their {@code toString()}. */
    static void write(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (v == NULL || v == null) {
            g.writeNull();
        } else if (v instanceof Long || v instanceof Integer) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            g.writeString(v.toString());
        }
    }
}
