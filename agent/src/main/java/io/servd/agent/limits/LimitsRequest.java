package io.servd.agent.limits;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.servd.cgroup.unit.ResourceDirective;
import io.servd.cgroup.unit.ResourceDirectives;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The body of {@code PUT /v1/units/{unit}/limits}:
 * {@code {"MemoryMax": "64M", "CPUQuota": "50%", "runtime": false, "dryRun": false}}. Property values
 * are systemd syntax, parsed by the cgroup library exactly as {@code systemctl set-property} would; the
 * property members are {@link ResourceDirectives#settableNames()}.
 *
 * @param directives the parsed directives, in body order
 * @param runtime    {@code --runtime}
 * @param dryRun     {@code --dry-run}
 */
public record LimitsRequest(List<ResourceDirective> directives, boolean runtime, boolean dryRun) {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(4096).build())
            .build();

    public LimitsRequest {
        directives = List.copyOf(directives);
        if (directives.isEmpty()) {
            throw new BadRequestException("no property to change: give one of " + new java.util.TreeSet<>(ResourceDirectives.settableNames()));
        }
    }

    /** The body is not what the API accepts; the message names the offending member or value. */
    public static final class BadRequestException extends IllegalArgumentException {
        public BadRequestException(String message) {
            super(message);
        }
    }

    /**
     * Parses a request body.
     *
     * @throws BadRequestException when the body is not a JSON object of known members with the right types
     * @throws io.servd.cgroup.unit.InvalidDirectiveException when a property's value is invalid, naming it
     */
    public static LimitsRequest parse(byte[] body) {
        Objects.requireNonNull(body, "body");
        List<ResourceDirective> directives = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        boolean runtime = false;
        boolean dryRun = false;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRequestException("body must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!seen.add(name)) {
                    throw new BadRequestException("member given twice [" + name + "]");
                }
                switch (name) {
                    case "runtime" -> runtime = bool(name, value);
                    case "dryRun" -> dryRun = bool(name, value);
                    default -> {
                        if (!ResourceDirectives.isSettable(name)) {
                            throw new BadRequestException("unknown property [" + name + "]: expected one of "
                                    + new java.util.TreeSet<>(ResourceDirectives.settableNames()) + ", runtime, dryRun");
                        }
                        directives.add(ResourceDirectives.parse(name, text(p, name, value)));
                    }
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new BadRequestException("body must be exactly one JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new BadRequestException("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequestException("unreadable body: " + e.getMessage());
        }
        return new LimitsRequest(directives, runtime, dryRun);
    }

    private static boolean bool(String name, JsonToken value) {
        if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
            return value == JsonToken.VALUE_TRUE;
        }
        throw new BadRequestException("[" + name + "] must be true or false, got " + kind(value));
    }

    private static String text(JsonParser p, String name, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (value == JsonToken.VALUE_NUMBER_INT) {
            return p.getText(); // "TasksMax": 100 means "100"
        }
        throw new BadRequestException("[" + name + "] must be a string in systemd syntax, got " + kind(value));
    }

    private static String kind(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return "[" + (t.asString() != null ? t.asString() : t.name().toLowerCase(java.util.Locale.ROOT)) + "]";
    }
}
