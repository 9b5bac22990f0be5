package io.servd.agent.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules every query of the API follows, on decoded parameters (as Netty's {@code QueryStringDecoder}
 * gives them): only the route's own names, each at most once. Both throw {@link IllegalArgumentException}
 * naming the parameter; routes answer it with a 400.
 */
public final class QueryParams {
    private QueryParams() {
    }

    /** Refuses a name that is not one of {@code known}: "unknown parameter [x]: expected a, b or c". */
    public static void requireKnown(Map<String, List<String>> params, List<String> known) {
        for (String name : params.keySet()) {
            if (!known.contains(name)) {
                String expected = known.size() == 1 ? known.get(0)
                        : String.join(", ", known.subList(0, known.size() - 1)) + " or " + known.get(known.size() - 1);
                throw new IllegalArgumentException("unknown parameter [" + name + "]: expected " + expected);
            }
        }
    }

    /** The one value of {@code name}; empty when not given; refused when given more than once. */
    public static Optional<String> single(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty()) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException(name + ": given " + values.size() + " times " + values + ", give it once");
        }
        return Optional.of(values.get(0));
    }
}
