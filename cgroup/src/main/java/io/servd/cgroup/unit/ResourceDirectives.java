package io.servd.cgroup.unit;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/** Parses a resource-control directive by name. */
public final class ResourceDirectives {

    private static final Map<String, Function<String, ResourceDirective>> PARSERS = Map.of(
            "MemoryMin", v -> MemoryDirective.parse(MemoryDirective.Property.MEMORY_MIN, v),
            "MemoryLow", v -> MemoryDirective.parse(MemoryDirective.Property.MEMORY_LOW, v),
            "MemoryHigh", v -> MemoryDirective.parse(MemoryDirective.Property.MEMORY_HIGH, v),
            "MemoryMax", v -> MemoryDirective.parse(MemoryDirective.Property.MEMORY_MAX, v),
            "MemorySwapMax", v -> MemoryDirective.parse(MemoryDirective.Property.MEMORY_SWAP_MAX, v),
            "CPUQuota", CpuQuota::parse,
            "CPUQuotaPeriodSec", CpuQuotaPeriodSec::parse,
            "CPUWeight", CpuWeightDirective::parse,
            "TasksMax", TasksMax::parse);

    private ResourceDirectives() {
    }

    /** The directive names this library understands. */
    public static Set<String> names() {
        return PARSERS.keySet();
    }

    /** Whether {@code name} is one of {@link #names()}. */
    public static boolean isSupported(String name) {
        return PARSERS.containsKey(name);
    }

    /**
     * Parses {@code value} as directive {@code name}.
     *
     * @throws InvalidDirectiveException when the value is invalid, or the directive is not supported
     */
    public static ResourceDirective parse(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Function<String, ResourceDirective> parser = PARSERS.get(name);
        if (parser == null) {
            throw new InvalidDirectiveException(name, value, "unsupported directive");
        }
        return parser.apply(value);
    }
}
