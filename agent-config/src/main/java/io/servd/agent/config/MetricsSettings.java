package io.servd.agent.config;

import java.util.Arrays;
import java.util.List;

/**
 * {@code [Metrics]}: which units {@code /metrics} reports. A unit is reported when {@code include} is
 * empty or one of its patterns matches, and none of {@code exclude} matches (exclusion wins, as in
 * systemd_exporter's {@code --systemd.collector.unit-include}/{@code -exclude}). Units left out are
 * not read at all, which is also what makes a scrape of a large host cheaper.
 *
 * @param include {@code Units=}: space-separated {@link UnitGlob}s; each assignment adds to the list,
 *                an empty assignment clears it (systemd's rule for list directives)
 * @param exclude {@code ExcludeUnits=}, likewise
 */
public record MetricsSettings(List<UnitGlob> include, List<UnitGlob> exclude) {
    public MetricsSettings {
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
    }

    /** Every unit. */
    public static MetricsSettings defaults() {
        return new MetricsSettings(List.of(), List.of());
    }

    /** Whether {@code unit} is reported. */
    public boolean reports(String unit) {
        return (include.isEmpty() || include.stream().anyMatch(g -> g.matches(unit)))
                && exclude.stream().noneMatch(g -> g.matches(unit));
    }

    /**
     * Space-separated patterns, e.g. {@code *.service user@*.service}.
     *
     * @throws IllegalArgumentException naming the pattern that is not one
     */
    public static List<UnitGlob> parseGlobs(String value) {
        return Arrays.stream(value.trim().split("\\s+")).map(glob -> {
            try {
                return UnitGlob.parse(glob);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " in [" + glob + "]");
            }
        }).toList();
    }
}
