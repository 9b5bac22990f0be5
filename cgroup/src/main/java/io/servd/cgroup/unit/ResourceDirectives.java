package io.servd.cgroup.unit;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Parses a resource-control directive by name; the names come from {@link DirectiveKind}. */
public final class ResourceDirectives {

    private ResourceDirectives() {
    }

    /** Every directive name this library understands (unit files), in {@link DirectiveKind} order. */
    public static List<String> names() {
        return Arrays.stream(DirectiveKind.values()).map(DirectiveKind::directive).toList();
    }

    /**
     * The names servd changes on a running unit: the agent's {@code PUT /v1/units/{unit}/limits} members
     * and {@code servctl set}'s properties, in {@link DirectiveKind} order.
     */
    public static List<String> settableNames() {
        return DirectiveKind.settableKinds().stream().map(DirectiveKind::directive).toList();
    }

    /** Whether {@code name} is one of {@link #names()}. */
    public static boolean isSupported(String name) {
        return DirectiveKind.of(name).isPresent();
    }

    /** Whether {@code name} is one of {@link #settableNames()}. */
    public static boolean isSettable(String name) {
        return DirectiveKind.of(name).map(DirectiveKind::settable).orElse(false);
    }

    /**
     * Parses {@code value} as directive {@code name}.
     *
     * @throws InvalidDirectiveException when the value is invalid, or the directive is not supported
     */
    public static ResourceDirective parse(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        return DirectiveKind.of(name)
                .orElseThrow(() -> new InvalidDirectiveException(name, value, "unsupported directive"))
                .parse(value);
    }
}
