package io.servd.servctl;

import io.servd.servctl.cli.JsonTree;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a JSON value from the agent into text for people: objects as {@code key: value} lines, nested
 * objects indented below their key, and arrays of objects as aligned tables (one column per key seen).
 * Shape-driven, so fields the agent adds later show up without a servctl change.
 */
final class PlainText {

    private PlainText() {
    }

    /** The text form of {@code value}, ending in a newline unless empty. */
    static String format(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value, "");
        return out.toString();
    }

    private static void append(StringBuilder out, Object value, String indent) {
        if (value instanceof Map<?, ?> map) {
            int width = map.keySet().stream().mapToInt(k -> String.valueOf(k).length()).max().orElse(0);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (e.getValue() instanceof String text && text.contains("\n")) {
                    // multi-line text (a drop-in's content): a block below the key, as YAML's "|"
                    out.append(indent).append(key).append(": |\n");
                    text.lines().forEach(l -> out.append(indent).append("  ").append(l).append('\n'));
                } else if (isScalar(e.getValue()) || isScalarList(e.getValue())) {
                    out.append(indent).append(key).append(':').append(" ".repeat(width - key.length() + 1))
                            .append(scalar(e.getValue())).append('\n');
                } else {
                    out.append(indent).append(key).append(":\n");
                    append(out, e.getValue(), indent + "  ");
                }
            }
        } else if (value instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(PlainText::isFlatObject)) {
            table(out, list, indent);
        } else if (value instanceof List<?> list) {
            for (Object v : list) {
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
    private static void table(StringBuilder out, List<?> rows, String indent) {
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(r -> ((Map<?, ?>) r).keySet().forEach(k -> columns.add(String.valueOf(k))));
        List<String> names = List.copyOf(columns);
        List<List<String>> cells = new ArrayList<>();
        int[] widths = names.stream().mapToInt(String::length).toArray();
        for (Object r : rows) {
            List<String> line = new ArrayList<>();
            for (int c = 0; c < names.size(); c++) {
                Map<?, ?> m = (Map<?, ?>) r;
                String cell = m.containsKey(names.get(c)) ? scalar(m.get(names.get(c))) : "-";
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

    /** An object whose values fit in table cells: no multi-line text. */
    private static boolean isFlatObject(Object v) {
        return v instanceof Map<?, ?> m && m.values().stream().noneMatch(x -> x instanceof String t && t.contains("\n"));
    }

    /** Scalars, and empty objects or arrays (printed as {@code -} on the key's line). */
    private static boolean isScalar(Object v) {
        return !(v instanceof Map<?, ?> m && !m.isEmpty()) && !(v instanceof List<?> l && !l.isEmpty());
    }

    private static boolean isScalarList(Object v) {
        return v instanceof List<?> l && l.stream().allMatch(PlainText::isScalar);
    }

    private static String scalar(Object v) {
        if (v instanceof Map<?, ?> m && m.isEmpty() || v instanceof List<?> l0 && l0.isEmpty()) {
            return "-";
        }
        if (v instanceof List<?> l) {
            return String.join(", ", l.stream().map(PlainText::scalar).toList());
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            return new JsonTree(v).formatPretty().replaceAll("\\s*\\n\\s*", " ").strip();
        }
        return v == JsonTree.NULL ? "-" : String.valueOf(v);
    }
}
