package io.servd.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.servd.agent.config.MetricsSettings;
import io.servd.agent.config.UnitGlob;
import io.servd.cgroup.MemoryStat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics an exporter user expects (issue 16 item 4) on the {@link MetricsFixture} tree: memory
 * breakdown, working set, swap, peak, memory.events, io.stat per device with names, throttling, and
 * the three states: unlimited (+Inf), absent (no sample), broken (no sample, counted, scrape goes on).
 */
class ExporterMetricsTest {
    @TempDir
    Path dir;

    @BeforeEach
    void tree() throws IOException {
        MetricsFixture.compose(dir);
    }

    static String text(UnitMetrics metrics) throws IOException {
        var registry = new PrometheusRegistry();
        registry.register(metrics);
        var out = new ByteArrayOutputStream();
        ExpositionFormats.init().getPrometheusTextFormatWriter().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    private UnitMetrics metrics(Predicate<String> reported) {
        return MetricsFixture.unitMetrics(dir, reported);
    }

    private Map<String, String> scrape() throws IOException {
        return UnitMetricsTest.parseStrictly(text(metrics(u -> true)));
    }

    @Test
    void memoryBreakdownWorkingSetSwapAndPeak() throws IOException {
        Map<String, String> s = scrape();
        assertThat(s).containsEntry("servd_unit_memory_anon_bytes{unit=\"web.service\"}", "7.012352E7")
                .containsEntry("servd_unit_memory_file_bytes{unit=\"web.service\"}", "2240512.0")
                .containsEntry("servd_unit_memory_kernel_bytes{unit=\"web.service\"}", "1118208.0")
                .containsEntry("servd_unit_memory_sock_bytes{unit=\"web.service\"}", "0.0")
                .containsEntry("servd_unit_memory_shmem_bytes{unit=\"web.service\"}", "0.0")
                // memory.current 73728000 - inactive_file 1060864
                .containsEntry("servd_unit_memory_working_set_bytes{unit=\"web.service\"}", "7.2667136E7")
                .containsEntry("servd_unit_memory_peak_bytes{unit=\"web.service\"}", "2.68435456E8")
                .containsEntry("servd_unit_memory_peak_bytes{unit=\"foo.service\"}", "356352.0")
                .containsEntry("servd_unit_memory_swap_current_bytes{unit=\"web.service\"}", "1052672.0")
                .containsEntry("servd_unit_memory_swap_max_bytes{unit=\"web.service\"}", "+Inf")
                // captured on 6.1: inactive_file 0, so the working set is all of memory.current
                .containsEntry("servd_unit_memory_working_set_bytes{unit=\"foo.service\"}", "184320.0");
    }

    @Test
    void kernelMemoryOnKernelsWithoutTheKernelKeyIsTheSumOfItsParts() throws IOException {
        // old.service: the captured 6.1 memory.stat without "kernel": kernel_stack 0 + pagetables 36864
        // + sec_pagetables 0 + percpu 0 + vmalloc 0 + slab 14344 (the 6.1 "kernel" said 73728)
        assertThat(scrape()).containsEntry("servd_unit_memory_kernel_bytes{unit=\"old.service\"}", "51208.0")
                .doesNotContainKey("servd_unit_memory_peak_bytes{unit=\"old.service\"}");
        assertThat(MemorySamples.kernel(new MemoryStat(Map.of("anon", 1L)))).isEmpty();
        assertThat(MemorySamples.kernel(new MemoryStat(Map.of("slab_reclaimable", 2L, "slab_unreclaimable", 3L,
                "kernel_stack", 5L)))).hasValue(10);
    }

    @Test
    void everyMemoryEventIsACounter() throws IOException {
        String text = text(metrics(u -> true));
        assertThat(text).contains("# TYPE servd_unit_memory_events_total counter");
        Map<String, String> s = UnitMetricsTest.parseStrictly(text);
        assertThat(s).containsEntry("servd_unit_memory_events_total{event=\"high\",unit=\"web.service\"}", "412.0")
                .containsEntry("servd_unit_memory_events_total{event=\"max\",unit=\"web.service\"}", "57.0")
                .containsEntry("servd_unit_memory_events_total{event=\"oom\",unit=\"web.service\"}", "3.0")
                .containsEntry("servd_unit_memory_events_total{event=\"oom_kill\",unit=\"web.service\"}", "3.0")
                .containsEntry("servd_unit_memory_events_total{event=\"oom_group_kill\",unit=\"web.service\"}", "0.0")
                .containsEntry("servd_unit_memory_events_total{event=\"low\",unit=\"web.service\"}", "0.0");
    }

    @Test
    void ioPerDeviceWithTheUdevNameWhereSysfsHasOne() throws IOException {
        Map<String, String> s = scrape();
        String vda = "device=\"254:0\",device_name=\"vda\",";
        assertThat(s).containsEntry("servd_unit_io_device_bytes_total{" + vda + "operation=\"read\",unit=\"web.service\"}",
                        "1459200.0")
                .containsEntry("servd_unit_io_device_bytes_total{" + vda + "operation=\"write\",unit=\"web.service\"}",
                        "3.14773504E8")
                .containsEntry("servd_unit_io_device_bytes_total{" + vda + "operation=\"discard\",unit=\"web.service\"}",
                        "0.0")
                .containsEntry("servd_unit_io_device_operations_total{" + vda + "operation=\"read\",unit=\"web.service\"}",
                        "192.0")
                .containsEntry("servd_unit_io_device_operations_total{" + vda + "operation=\"write\",unit=\"web.service\"}",
                        "353.0")
                // 8:16 has no uevent: its number alone; and its line has no discard counters
                .containsEntry("servd_unit_io_device_bytes_total{device=\"8:16\",operation=\"read\",unit=\"web.service\"}",
                        "4096.0")
                .doesNotContainKey("servd_unit_io_device_bytes_total{device=\"8:16\",operation=\"discard\",unit=\"web.service\"}")
                // the captured root: loop devices with a bare "7:0" line are zero I/O
                .containsEntry("servd_unit_io_device_bytes_total{device=\"7:0\",operation=\"read\",unit=\"-.slice\"}", "0.0");
        // foo.service has no io.stat (io controller not enabled): absent, not zero
        assertThat(s.keySet()).noneMatch(k -> k.startsWith("servd_unit_io_device") && k.contains("\"foo.service\""));
    }

    @Test
    void throttlingCountersFromCpuStat() throws IOException {
        assertThat(scrape()).containsEntry("servd_unit_cpu_periods_total{unit=\"web.service\"}", "1210.0")
                .containsEntry("servd_unit_cpu_throttled_periods_total{unit=\"web.service\"}", "1187.0")
                .containsEntry("servd_unit_cpu_throttled_seconds_total{unit=\"web.service\"}", "24.117953")
                // PSI totals are counters in seconds (total= is in microseconds)
                .containsEntry("servd_unit_pressure_stalled_seconds_total{kind=\"full\",resource=\"memory\",unit=\"web.service\"}",
                        "0.160021");
    }

    @Test
    void aBrokenFileLeavesItsSamplesOutAndIsCountedButTheScrapeGoesOn() throws IOException {
        UnitMetrics metrics = metrics(u -> true);
        Map<String, String> first = UnitMetricsTest.parseStrictly(text(metrics));
        assertThat(first).containsEntry("servd_unit_read_errors{unit=\"broken.service\"}", "2.0")
                .containsEntry("servd_scrape_errors_total{file=\"memory.stat\"}", "1.0")
                .containsEntry("servd_scrape_errors_total{file=\"memory.peak\"}", "1.0")
                .doesNotContainKey("servd_unit_memory_anon_bytes{unit=\"broken.service\"}")
                .doesNotContainKey("servd_unit_memory_peak_bytes{unit=\"broken.service\"}")
                // the unit's other files, and every other unit, are there
                .containsEntry("servd_unit_memory_current_bytes{unit=\"broken.service\"}", "184320.0")
                .containsEntry("servd_unit_memory_anon_bytes{unit=\"foo.service\"}", "110592.0")
                .containsEntry("servd_units_scrape_success", "1.0");
        // a counter: every scrape that meets the broken file adds to it
        assertThat(UnitMetricsTest.parseStrictly(text(metrics)))
                .containsEntry("servd_scrape_errors_total{file=\"memory.stat\"}", "2.0");
    }

    @Test
    void aCgroupWithoutControllerFilesHasNoSamplesAtAll() throws IOException {
        assertThat(scrape().keySet()).noneMatch(k -> k.contains("unit=\"bare.scope\""));
    }

    @Test
    void escapedUnitNamesAreLabelValuesWithTheBackslashEscaped() throws IOException {
        String text = text(metrics(u -> true));
        // text format: a backslash in a label value is written as two
        assertThat(text).contains("servd_unit_memory_anon_bytes{unit=\"foo\\\\x2dbar.service\"} 110592.0");
    }

    @Test
    void includeAndExcludeDecideWhichUnitsAreRead() throws IOException {
        var settings = new MetricsSettings(List.of(UnitGlob.parse("*.service")), List.of(UnitGlob.parse("foo*")));
        Map<String, String> s = UnitMetricsTest.parseStrictly(text(metrics(settings::reports)));
        assertThat(s).containsKey("servd_unit_memory_current_bytes{unit=\"web.service\"}")
                .doesNotContainKey("servd_unit_memory_current_bytes{unit=\"foo.service\"}")
                .doesNotContainKey("servd_unit_memory_current_bytes{unit=\"system.slice\"}")
                .doesNotContainKey("servd_unit_memory_current_bytes{unit=\"" + MetricsFixture.ESCAPED.replace("\\", "\\\\")
                        + "\"}");
        // units left out are not read: broken.service's errors are not counted
        assertThat(s).containsKey("servd_unit_read_errors{unit=\"broken.service\"}");
        Map<String, String> none = UnitMetricsTest.parseStrictly(text(metrics(u -> !u.startsWith("broken"))));
        assertThat(none.keySet()).noneMatch(k -> k.startsWith("servd_scrape_errors_total"));
    }

    @Test
    void brokenFilesAreNamedByTheirFileName() {
        assertThat(UnitMetrics.fileName(new AccessDeniedException("/sys/fs/cgroup/a.service/io.stat")))
                .isEqualTo("io.stat");
        assertThat(UnitMetrics.fileName(new IOException("no file"))).isEqualTo("unknown");
    }
}
