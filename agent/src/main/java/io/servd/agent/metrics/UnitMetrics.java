package io.servd.agent.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.servd.cgroup.CgroupReader;
import io.servd.cgroup.CgroupSnapshot;
import io.servd.cgroup.Limit;
import io.servd.cgroup.MalformedCgroupFileException;
import io.servd.cgroup.Pressure;
import io.servd.agent.units.UnitCgroup;
import io.servd.agent.units.UnitTree;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every unit's cgroup counters and limits, read from cgroupfs when Prometheus scrapes (no timer, no
 * cache: a scrape sees the kernel's values of that moment). Label {@code unit}; PSI adds
 * {@code resource} and {@code kind}, memory events {@code event}, per-device I/O {@code device},
 * {@code device_name} and {@code operation} ({@link MemorySamples}, {@link IoSamples}). Unlimited
 * limits are {@code +Inf}; absent files give no sample. A broken file never fails the scrape: its
 * samples are left out, it counts in {@code servd_scrape_errors_total{file=…}} and the unit's
 * {@code servd_unit_read_errors}, and the first failure of each file name is logged at WARN (later
 * ones at DEBUG: a broken file stays broken at every scrape).
 */
public final class UnitMetrics implements MultiCollector {
    private static final Logger log = LoggerFactory.getLogger(UnitMetrics.class);
    static final String SCRAPE_ERRORS = "servd_scrape_errors";

    private final UnitTree tree;
    private final Predicate<String> reported;
    private final BlockDevices devices;
    private final CgroupReader reader = new CgroupReader();
    /** Failures per file name since start; file names are few (the cgroup files we read), so this stays small. */
    private final Map<String, LongAdder> errorsByFile = new ConcurrentHashMap<>();
    /** File names whose failure was logged at WARN: once each. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** Every unit of {@code tree}. */
    public UnitMetrics(UnitTree tree) {
        this(tree, unit -> true);
    }

    /** The units of {@code tree} that {@code reported} accepts ({@code [Metrics] Units=}/{@code ExcludeUnits=}). */
    public UnitMetrics(UnitTree tree, Predicate<String> reported) {
        this(tree, reported, BlockDevices.system());
    }

    UnitMetrics(UnitTree tree, Predicate<String> reported, BlockDevices devices) {
        this.tree = Objects.requireNonNull(tree, "tree");
        this.reported = Objects.requireNonNull(reported, "reported");
        this.devices = Objects.requireNonNull(devices, "devices");
    }

    @Override
    public MetricSnapshots collect() {
        Families f = declare(new Families());
        List<UnitCgroup> units;
        try {
            units = tree.list();
            f.add("servd_units_scrape_success", Labels.EMPTY, 1);
        } catch (IOException e) {
            log.warn("listing units under [{}] failed: {}", tree.root().mountPoint(), e.getMessage());
            f.add("servd_units_scrape_success", Labels.EMPTY, 0);
            return f.build();
        }
        BlockDevices.Lookup names = devices.lookup();
        for (UnitCgroup unit : units) {
            if (reported.test(unit.unit())) {
                CgroupSnapshot s = reader.read(unit.dir());
                add(f, unit.unit(), s);
                s.usage().io().ifPresent(io -> IoSamples.add(f, unit.unit(), io, names));
                count(unit.unit(), s.errors());
            }
        }
        errorsByFile.forEach((file, n) -> f.add(SCRAPE_ERRORS, Labels.of("file", file), n.sum()));
        return f.build();
    }

    /** Declares the families in {@code f}, in the order they are written. */
    static Families declare(Families f) {
        f.gauge("servd_units_scrape_success", "1 when the unit tree could be listed during this scrape", null);
        f.counter("servd_unit_cpu_usage_seconds", "CPU time consumed (cpu.stat usage_usec)", Unit.SECONDS);
        f.counter("servd_unit_cpu_throttled_seconds", "time throttled by the CPU quota (cpu.stat throttled_usec)",
                Unit.SECONDS);
        f.counter("servd_unit_cpu_throttled_periods", "enforcement periods in which the quota ran out (nr_throttled)", null);
        f.gauge("servd_unit_cpu_quota_cpus", "CPU quota in CPUs (cpu.max quota/period); no sample when unlimited", null);
        f.gauge("servd_unit_memory_current_bytes", "memory in use (memory.current)", Unit.BYTES);
        f.gauge("servd_unit_memory_max_bytes", "hard memory limit (memory.max), +Inf when unlimited", Unit.BYTES);
        f.gauge("servd_unit_memory_high_bytes", "memory throttling limit (memory.high), +Inf when unlimited", Unit.BYTES);
        f.gauge("servd_unit_pids_current", "tasks in the cgroup (pids.current)", null);
        f.gauge("servd_unit_pids_max", "task limit (pids.max), +Inf when unlimited", null);
        f.counter("servd_unit_io_read_bytes", "bytes read, all devices (io.stat rbytes)", Unit.BYTES);
        f.counter("servd_unit_io_write_bytes", "bytes written, all devices (io.stat wbytes)", Unit.BYTES);
        f.counter("servd_unit_pressure_stalled_seconds", "PSI total stall time (cpu/memory/io.pressure total)",
                Unit.SECONDS);
        f.counter("servd_unit_oom_kills", "processes killed by the OOM killer (memory.events oom_kill)", null);
        f.gauge("servd_unit_read_errors", "files of the unit that could not be read or parsed in this scrape", null);
        f.counter("servd_unit_cpu_periods", "CFS enforcement periods with runnable tasks (cpu.stat nr_periods)", null);
        MemorySamples.declare(f);
        IoSamples.declare(f);
        f.counter(SCRAPE_ERRORS, "unit cgroup files that could not be read or parsed, by file name, since start", null);
        return f;
    }

    private void count(String unit, List<IOException> errors) {
        for (IOException e : errors) {
            String file = fileName(e);
            errorsByFile.computeIfAbsent(file, k -> new LongAdder()).increment();
            if (warned.add(file)) {
                log.warn("reading [{}] of [{}] failed, left out of /metrics and counted in servd_scrape_errors_total "
                        + "(further failures of [{}] are logged at debug): {}", file, unit, file, e.getMessage());
            } else {
                log.debug("reading [{}] of [{}] failed: {}", file, unit, e.getMessage());
            }
        }
    }

    /** The cgroup file an error is about ({@code memory.stat}), or {@code unknown}. */
    static String fileName(IOException e) {
        Path file = e instanceof MalformedCgroupFileException m ? m.file()
                : e instanceof FileSystemException fs && fs.getFile() != null ? Path.of(fs.getFile()) : null;
        return file == null || file.getFileName() == null ? "unknown" : file.getFileName().toString();
    }

    /**
     * The points of {@code s} into {@code f}, but for per-device I/O ({@link IoSamples}, which needs the
     * host's block devices): the one place that maps a snapshot onto metric names and labels, for
     * {@code /metrics} and the history dump alike.
     */
    static void add(Families f, String name, CgroupSnapshot s) {
        Labels unit = Labels.of("unit", name);
        var usage = s.usage();
        var limits = s.limits();
        usage.cpu().ifPresent(cpu -> {
            f.add("servd_unit_cpu_usage_seconds", unit, seconds(cpu.usage()));
            cpu.throttling().ifPresent(t -> {
                f.add("servd_unit_cpu_throttled_seconds", unit, seconds(t.throttledTime()));
                f.add("servd_unit_cpu_throttled_periods", unit, t.throttledPeriods());
                f.add("servd_unit_cpu_periods", unit, t.periods());
            });
        });
        limits.cpuMax().flatMap(max -> {
            var cpus = max.cpus();
            return cpus.isPresent() ? Optional.of(cpus.getAsDouble()) : Optional.<Double>empty();
        }).ifPresent(cpus -> f.add("servd_unit_cpu_quota_cpus", unit, cpus));
        usage.memoryCurrent().ifPresent(m -> f.add("servd_unit_memory_current_bytes", unit, m.bytes()));
        limits.memoryMax().ifPresent(m -> f.add("servd_unit_memory_max_bytes", unit, MemorySamples.bytesOrInf(m.limit())));
        limits.memoryHigh().ifPresent(m -> f.add("servd_unit_memory_high_bytes", unit,
                MemorySamples.bytesOrInf(m.limit())));
        usage.pidsCurrent().ifPresent(p -> f.add("servd_unit_pids_current", unit, p));
        limits.pidsMax().ifPresent(p -> f.add("servd_unit_pids_max", unit,
                p.limit() instanceof Limit.AtMost<Long> a ? a.value() : Double.POSITIVE_INFINITY));
        usage.io().ifPresent(io -> {
            f.add("servd_unit_io_read_bytes", unit, io.readBytes());
            f.add("servd_unit_io_write_bytes", unit, io.writeBytes());
        });
        MemorySamples.add(f, name, unit, s);
        pressure(f, name, "cpu", usage.cpuPressure());
        pressure(f, name, "memory", usage.memoryPressure());
        pressure(f, name, "io", usage.ioPressure());
        usage.memoryEvents().ifPresent(e -> f.add("servd_unit_oom_kills", unit, e.oomKill()));
        if (!s.errors().isEmpty()) {
            f.add("servd_unit_read_errors", unit, s.errors().size());
        }
    }

    private static void pressure(Families f, String unit, String resource, Optional<Pressure> pressure) {
        pressure.ifPresent(p -> {
            f.add("servd_unit_pressure_stalled_seconds", Labels.of("kind", "some", "resource", resource, "unit", unit),
                    seconds(p.some().total()));
            p.full().ifPresent(full -> f.add("servd_unit_pressure_stalled_seconds",
                    Labels.of("kind", "full", "resource", resource, "unit", unit), seconds(full.total())));
        });
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
