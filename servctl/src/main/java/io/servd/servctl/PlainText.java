package io.servd.servctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.servd.servctl.cli.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Turns a JSON value from the agent into text for people: objects as {@code key: value} lines, nested
 * objects indented below their key, and arrays of objects as aligned tables (one column per key seen).
 * Shape-driven, so fields the agent adds later show up without a servctl change.
 */
final class PlainText {

    private PlainText() {
    }

    /** The text form of {@code value}, ending in a newline unless empty. */
    static String format(JsonNode value) {
        StringBuilder out = new StringBuilder();
        append(out, value, "");
        return out.toString();
    }

    private static void append(StringBuilder out, JsonNode value, String indent) {
        if (value.isObject()) {
            int width = value.properties().stream().mapToInt(e -> e.getKey().length()).max().orElse(0);
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                String key = e.getKey();
                if (e.getValue().isTextual() && e.getValue().textValue().contains("\n")) {
                    // multi-line text (a drop-in's content): a block below the key, as YAML's "|"
                    out.append(indent).append(key).append(": |\n");
                    e.getValue().textValue().lines().forEach(l -> out.append(indent).append("  ").append(l).append('\n'));
                } else if (isScalar(e.getValue()) || isScalarList(e.getValue())) {
                    out.append(indent).append(key).append(':').append(" ".repeat(width - key.length() + 1))
                            .append(scalar(e.getValue())).append('\n');
                } else {
                    out.append(indent).append(key).append(":\n");
                    append(out, e.getValue(), indent + "  ");
                }
            }
        } else if (value.isArray() && !value.isEmpty() && elements(value).allMatch(PlainText::isFlatObject)) {
            table(out, value, indent);
        } else if (value.isArray()) {
            for (JsonNode v : value) {
                if (isScalar(v)) {
                    out.append(indent).append("- ").append(scalar(v)).append('\n');
                } else {
                    out.append(indent).append("-\n");
                    append(out, v, indent + "  ");
                }
            }
        } else {
            out.append(indent).append(scalar(value)).append('\n');
        }
    }

    /** One row per object, one column per key in order of first appearance; nested values as compact JSON. */
    private static void table(StringBuilder out, JsonNode rows, String indent) {
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(r -> r.fieldNames().forEachRemaining(columns::add));
        List<String> names = List.copyOf(columns);
        List<List<String>> cells = new ArrayList<>();
        int[] widths = names.stream().mapToInt(String::length).toArray();
        for (JsonNode r : rows) {
            List<String> line = new ArrayList<>();
            for (int c = 0; c < names.size(); c++) {
                String cell = r.has(names.get(c)) ? scalar(r.get(names.get(c))) : "-";
                widths[c] = Math.max(widths[c], cell.length());
                line.add(cell);
            }
            cells.add(line);
        }
        out.append(indent).append(row(names, widths)).append('\n');
        cells.forEach(line -> out.append(indent).append(row(line, widths)).append('\n'));
    }

    private static String row(List<String> cells, int[] widths) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            b.append(cells.get(c));
            if (c < cells.size() - 1) {
                b.append(" ".repeat(widths[c] - cells.get(c).length() + 2));
            }
        }
        return b.toString();
    }

    private static Stream<JsonNode> elements(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }

    /** An object whose values fit in table cells: no multi-line text. */
    private static boolean isFlatObject(JsonNode v) {
        return v.isObject() && elements(v).noneMatch(x -> x.isTextual() && x.textValue().contains("\n"));
    }

    /** Scalars, and empty objects or arrays (printed as {@code -} on the key's line). */
    private static boolean isScalar(JsonNode v) {
        return !v.isContainerNode() || v.isEmpty();
    }

    private static boolean isScalarList(JsonNode v) {
        return v.isArray() && elements(v).allMatch(PlainText::isScalar);
    }

    /**
     * A value on one line: text as is, numbers exactly as sent (an integer beyond a long too), null and
     * empty containers as {@code -}, a list joined with commas, an object as JSON on one line.
     */
    private static String scalar(JsonNode v) {
        if (v.isNull() || v.isContainerNode() && v.isEmpty()) {
            return "-";
        }
        if (v.isArray()) {
            return String.join(", ", elements(v).map(PlainText::scalar).toList());
        }
        if (v.isObject()) {
            return Json.formatPretty(v).replaceAll("\\s*\\n\\s*", " ").strip();
        }
        return v.asText();
    }
}
