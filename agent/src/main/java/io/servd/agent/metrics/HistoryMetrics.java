package io.servd.agent.metrics;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.servd.agent.history.Frame;
import io.servd.agent.history.UnitSample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Recorded history as OpenMetrics text with a timestamp on every sample, for backfilling Prometheus
 * ({@code promtool tsdb create-blocks-from openmetrics}): the metric names and labels of
 * {@code /metrics} ({@link UnitMetrics#add}, {@link UnitStateMetrics#add}: one mapping for both),
 * less what history does not keep (per-device I/O, memory.stat, read errors).
 *
 * <p>Each frame is written by the Prometheus client's own OpenMetrics writer (escaping, number and
 * timestamp formats are its), then the frames are merged family by family, each series' samples in
 * time order, with one {@code # TYPE}/{@code # UNIT}/{@code # HELP} per family and one {@code # EOF}
 * at the end, as the format requires.
 */
public final class HistoryMetrics {
    public static final String CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final ExpositionFormatWriter WRITER = ExpositionFormats.init().getOpenMetricsTextFormatWriter();

    private HistoryMetrics() {
    }

    private record Family(List<String> head, Map<String, List<String>> series) {
    }

    /** {@code frames}, in time order, as one OpenMetrics document. */
    public static byte[] write(List<Frame> frames) {
        Map<String, Family> families = new LinkedHashMap<>();
        for (Frame frame : frames) {
            Families f = new Families(OptionalLong.of(frame.time().toEpochMilli()));
            UnitMetrics.declare(f);
            UnitStateMetrics.declare(f);
            for (UnitSample u : frame.units()) {
                u.cgroup().ifPresent(c -> UnitMetrics.add(f, u.unit(), c));
                u.state().ifPresent(s -> UnitStateMetrics.add(f, s));
            }
            merge(text(f), families);
        }
        var out = new StringBuilder(64 * 1024);
        for (Family family : families.values()) {
            family.head.forEach(line -> out.append(line).append('\n'));
            family.series.values().forEach(lines -> lines.forEach(line -> out.append(line).append('\n')));
        }
        out.append("# EOF\n");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Families f) {
        var out = new ByteArrayOutputStream(8 * 1024);
        try {
            WRITER.write(out, f.build());
        } catch (IOException e) {
            throw new UncheckedIOException("writing metrics to memory failed", e); // cannot happen: a bug
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** One frame's document into {@code families}: "# TYPE" starts a family, a sample's series is all before its value. */
    private static void merge(String text, Map<String, Family> families) {
        Family current = null;
        boolean known = false;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.equals("# EOF")) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String name = line.split(" ")[2];
                known = families.containsKey(name);
                current = families.computeIfAbsent(name, n -> new Family(new ArrayList<>(), new LinkedHashMap<>()));
            }
            if (current == null) {
                throw new IllegalStateException("sample before # TYPE in the writer's output: [" + line + "]");
            }
            if (line.startsWith("# ")) {
                if (!known) {
                    current.head.add(line);
                }
                continue;
            }
            // name{labels} value timestamp: the series is what comes before the last two fields
            int timestamp = line.lastIndexOf(' ');
            String series = line.substring(0, line.lastIndexOf(' ', timestamp - 1));
            current.series.computeIfAbsent(series, s -> new ArrayList<>()).add(line);
        }
    }
}
