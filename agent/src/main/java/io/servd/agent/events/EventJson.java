package io.servd.agent.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** An event as its NDJSON line: {@code {"id":…,"time":"…Z","unit":…,"type":…,<details>}\n}. */
final class EventJson {
    private static final JsonFactory JSON = new JsonFactory();

    private EventJson() {
    }

    /** An ordered object for {@link Event#details()} from name, value, name, value… */
    static Map<String, Object> members(Object... namesAndValues) {
        var m = new LinkedHashMap<String, Object>(namesAndValues.length);
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }

    static byte[] line(long id, Event event) {
        var out = new ByteArrayOutputStream(160);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("id", id);
            json.writeStringField("time", DateTimeFormatter.ISO_INSTANT.format(event.time()));
            json.writeStringField("unit", event.unit());
            json.writeStringField("type", event.type());
            writeMembers(json, event.details());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing json to memory failed", e); // a bug, not input
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** A line that is not an event: {@code {"type":"lost",…}} for a follower that missed events. */
    static byte[] lost(long lost, long after, String detail) {
        var out = new ByteArrayOutputStream(200);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("type", "lost");
            json.writeNumberField("lost", lost);
            json.writeNumberField("after", after);
            json.writeStringField("detail", detail);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing json to memory failed", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void writeMembers(JsonGenerator json, Map<String, ?> members) throws IOException {
        for (var m : members.entrySet()) {
            json.writeFieldName(m.getKey());
            Object v = m.getValue();
            if (v instanceof Long l) {
                json.writeNumber(l);
            } else if (v instanceof Integer i) {
                json.writeNumber(i);
            } else if (v instanceof Double d) {
                json.writeNumber(d);
            } else if (v instanceof Boolean b) {
                json.writeBoolean(b);
            } else if (v instanceof Map<?, ?> nested) {
                json.writeStartObject();
                @SuppressWarnings("unchecked")
                Map<String, ?> typed = (Map<String, ?>) nested;
                writeMembers(json, typed);
                json.writeEndObject();
            } else {
                json.writeString(String.valueOf(v));
            }
        }
    }

    /** {@link Event#details()} flattened for the journal: {@code changes.memory.max.old} → {@code changes_memory_max_old}. */
    static Map<String, String> fields(Event event) {
        var fields = new LinkedHashMap<String, String>();
        flatten("", event.details(), fields);
        return fields;
    }

    private static void flatten(String prefix, Map<String, ?> members, Map<String, String> into) {
        for (var m : members.entrySet()) {
            String key = (prefix + m.getKey()).replace('.', '_').replace('-', '_');
            if (m.getValue() instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, ?> typed = (Map<String, ?>) nested;
                flatten(key + "_", typed, into);
            } else {
                into.put(key, String.valueOf(m.getValue()));
            }
        }
    }
}
