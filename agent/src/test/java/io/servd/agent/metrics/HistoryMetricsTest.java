package io.servd.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.servd.agent.history.Frame;
import io.servd.agent.history.UnitSample;
import io.servd.agent.units.ActiveState;
import io.servd.agent.units.UnitCgroup;
import io.servd.agent.units.UnitState;
import io.servd.agent.units.UnitStates;
import io.servd.agent.units.UnitTree;
import io.servd.cgroup.CgroupReader;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.testsupport.FixtureTree;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenMetrics dump of history: what promtool backfills, with the names and labels of /metrics. */
class HistoryMetricsTest {
    private static final Instant START = Instant.parse("2026-12-03T03:00:00Z");

    @TempDir
    Path tmp;
    UnitTree tree;
    List<Frame> frames = new ArrayList<>();

    @BeforeEach
    void record() throws Exception {
        Path cgroupfs = FixtureTree.copy(Path.of("..", "cgroup", "src", "test", "resources", "cgroupfs", "debian12-systemd252"),
                Files.createDirectory(tmp.resolve("cgroup")));
        tree = new UnitTree(new CgroupRoot(cgroupfs));
        var reader = new CgroupReader();
        for (int i = 0; i < 30; i++) {
            Files.writeString(cgroupfs.resolve("system.slice/foo.service/memory.current"), (184320 + 4096 * i) + "\n");
            List<UnitSample> units = new ArrayList<>();
            for (UnitCgroup u : tree.list()) {
                units.add(new UnitSample(u.unit(), Optional.of(reader.read(u.dir())), Optional.of(state(u.unit()))));
            }
            frames.add(new Frame(START.plusSeconds(5L * i), units));
        }
    }

    private static UnitState state(String unit) {
        return UnitState.of(unit, ActiveState.ACTIVE, "running").withNRestarts(OptionalLong.of(2));
    }

    @Test
    void promtoolBackfillsTheDump() throws Exception {
        Path file = tmp.resolve("history.om");
        Files.write(file, HistoryMetrics.write(frames));
        Path blocks = Files.createDirectory(tmp.resolve("blocks"));
        var created = Promtool.run(tmp, "tsdb", "create-blocks-from", "openmetrics", file.toString(), blocks.toString());
        assertThat(created.exit()).as(created.output()).isZero();
        Files.createDirectory(blocks.resolve("wal")); // tsdb dump opens the directory as a TSDB, WAL and all
        var dumped = Promtool.run(tmp, "tsdb", "dump", "--match=servd_unit_memory_current_bytes{unit=\"foo.service\"}",
                blocks.toString());
        assertThat(dumped.exit()).as(dumped.output()).isZero();
        // every recorded sample of the series, at its recorded time (ms)
        assertThat(dumped.output().lines().filter(l -> l.startsWith("{")).count()).isEqualTo(30);
        assertThat(dumped.output()).contains("188416 " + START.plusSeconds(5).toEpochMilli());
    }

    @Test
    void theDumpUsesTheFamiliesAndLabelsOfMetrics() throws Exception {
        String dump = new String(HistoryMetrics.write(frames.subList(0, 2)), StandardCharsets.UTF_8);
        var registry = new io.prometheus.metrics.model.registry.PrometheusRegistry();
        registry.register(new UnitMetrics(tree));
        registry.register(new UnitStateMetrics(UnitStates.fixed(List.of(state("foo.service")))));
        var scrape = new ByteArrayOutputStream();
        ExpositionFormats.init().getOpenMetricsTextFormatWriter().write(scrape, registry.scrape());
        Set<String> dumped = families(dump);
        assertThat(dumped).contains("servd_unit_cpu_usage_seconds", "servd_unit_memory_current_bytes",
                "servd_unit_memory_max_bytes", "servd_unit_pressure_stalled_seconds", "servd_unit_oom_kills",
                "servd_unit_state", "servd_service_restart");
        assertThat(families(scrape.toString(StandardCharsets.UTF_8))).containsAll(dumped);
        // one header per family, and each series' samples together, in time order
        assertThat(dump.split("# TYPE servd_unit_cpu_usage_seconds counter", -1)).hasSize(2);
        assertThat(dump).contains("servd_unit_pressure_stalled_seconds_total{kind=\"some\",resource=\"cpu\",unit=\"foo.service\"}")
                .contains("servd_unit_state{state=\"active\",unit=\"foo.service\"} 1.0 " + START.getEpochSecond() + ".000\n"
                        + "servd_unit_state{state=\"active\",unit=\"foo.service\"} 1.0 " + START.plusSeconds(5).getEpochSecond()
                        + ".000\n")
                .endsWith("# EOF\n");
    }

    private static Set<String> families(String text) {
        return new TreeSet<>(Pattern.compile("^# TYPE (\\S+) ", Pattern.MULTILINE).matcher(text).results()
                .map(m -> m.group(1)).toList());
    }
}
