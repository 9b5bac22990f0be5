package io.servd.agent.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the data points of one scrape into metric families, in declaration order; families that
 * got no point are left out (the client's writers would print a bare HELP line for them).
 */
final class Families {
    private final Map<String, Family> families = new LinkedHashMap<>();
    private final java.util.OptionalLong timestampMillis;

    /** Points of a scrape: no timestamp, the scraper's time applies. */
    Families() {
        this(java.util.OptionalLong.empty());
    }

    /** Points of a recorded moment, each with {@code timestampMillis} (the OpenMetrics dump of history). */
    Families(java.util.OptionalLong timestampMillis) {
        this.timestampMillis = timestampMillis;
    }

    private record Family(String name, String help, Unit unit, boolean counter, List<Object> points) {
    }

    /** Declares a counter; {@code name} without {@code _total} (the writers add it). */
    void counter(String name, String help, Unit unit) {
        families.put(name, new Family(name, help, unit, true, new ArrayList<>()));
    }

    void gauge(String name, String help, Unit unit) {
        families.put(name, new Family(name, help, unit, false, new ArrayList<>()));
    }

    /** Adds a point to the declared family {@code name}. */
    void add(String name, Labels labels, double value) {
        Family f = families.get(name);
        if (f == null) {
            throw new IllegalArgumentException("undeclared metric family [" + name + "]");
        }
        if (f.counter) {
            var point = CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value);
            timestampMillis.ifPresent(point::scrapeTimestampMillis);
            f.points.add(point.build());
        } else {
            var point = GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value);
            timestampMillis.ifPresent(point::scrapeTimestampMillis);
            f.points.add(point.build());
        }
    }

    MetricSnapshots build() {
        List<MetricSnapshot> snapshots = new ArrayList<>();
        for (Family f : families.values()) {
            if (f.points.isEmpty()) {
                continue;
            }
            if (f.counter) {
                var b = CounterSnapshot.builder().name(f.name).help(f.help);
                if (f.unit != null) {
                    b.unit(f.unit);
                }
                f.points.forEach(p -> b.dataPoint((CounterSnapshot.CounterDataPointSnapshot) p));
                snapshots.add(b.build());
            } else {
                var b = GaugeSnapshot.builder().name(f.name).help(f.help);
                if (f.unit != null) {
                    b.unit(f.unit);
                }
                f.points.forEach(p -> b.dataPoint((GaugeSnapshot.GaugeDataPointSnapshot) p));
                snapshots.add(b.build());
            }
        }
        return MetricSnapshots.of(snapshots.toArray(MetricSnapshot[]::new));
    }
}
