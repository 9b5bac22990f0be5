package io.servd.agent.events;

import io.servd.agent.units.UnitCgroup;
import io.servd.agent.units.UnitTree;
import io.servd.cgroup.CpuStat;
import io.servd.cgroup.MemoryEvents;
import io.servd.cgroup.Pressure;
import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupFile;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every unit's cgroup counters into events on one daemon thread ({@value #THREAD_NAME}), never
 * an event loop: {@code oom-kill} from {@code memory.events}, {@code throttled} from {@code cpu.stat}
 * ({@link ThrottleRule}), {@code pressure} from {@code cpu|memory|io.pressure} ({@link PressureRule}).
 *
 * <p>How. Every {@code sample} (default 5 s) the unit tree is listed and each unit's files read: about
 * five small files a unit. Besides, each unit's directory is watched with inotify (Java's
 * {@link WatchService}): the kernel notifies {@code memory.events} (kernfs_notify → IN_MODIFY on the
 * directory), so an OOM kill is read within {@link #NOTIFIED_READ_GAP} rather than at the next sample
 * — before systemd removes a failed unit's cgroup —, and a slice's IN_CREATE adds a new unit at once.
 * A notified unit's {@code memory.events} is read at most once per gap whatever the storm (each
 * {@code memory.high} breach notifies too). Where inotify is unavailable, or an inode fell out of the
 * cache (the watch is not pinned by an open file: that would cost an fd per unit), the sample catches it.
 *
 * <p>Counters: units present at the first sample are the baseline (no events for what happened before
 * servd started); a unit that appears later starts from zero (a new cgroup's counters do), so an OOM
 * kill right after its start is reported. Slices get no {@code oom-kill}: their {@code memory.events}
 * counts their descendants' kills, which the descendant's own event already reports.
 */
public final class UnitWatch implements AutoCloseable {
    public static final String THREAD_NAME = "servd-events";
    public static final Duration DEFAULT_SAMPLE = Duration.ofSeconds(5);
    /** Least time between two reads of notified {@code memory.events} files. */
    static final Duration NOTIFIED_READ_GAP = Duration.ofMillis(100);
    private static final List<Map.Entry<String, CgroupFile>> PSI = List.of(Map.entry("cpu", CgroupFile.CPU_PRESSURE),
            Map.entry("memory", CgroupFile.MEMORY_PRESSURE), Map.entry("io", CgroupFile.IO_PRESSURE));
    private static final Logger log = LoggerFactory.getLogger(UnitWatch.class);

    /** One unit's state between readings. */
    private static final class Tracked {
        final UnitCgroup unit;
        long oomKill = -1; // unknown until read
        final ThrottleRule throttle = new ThrottleRule();
        final Map<String, PressureRule> pressure = new HashMap<>();
        Optional<WatchKey> key = Optional.empty();

        Tracked(UnitCgroup unit) {
            this.unit = unit;
        }
    }

    /**
     * @param sample            how often every unit is read
     * @param pressureThreshold {@code some avg10} percent from which a resource is under pressure
     * @param pressureClear     percent below which it is calm again
     */
    public record Settings(Duration sample, double pressureThreshold, double pressureClear) {
        public Settings {
            Objects.requireNonNull(sample, "sample");
            if (sample.isNegative() || sample.isZero()) {
                throw new IllegalArgumentException("sample interval must be positive [" + sample + "]");
            }
            if (!(pressureClear >= 0 && pressureClear < pressureThreshold && pressureThreshold <= 100)) {
                throw new IllegalArgumentException("expected 0 <= clear [" + pressureClear + "] < threshold ["
                        + pressureThreshold + "] <= 100");
            }
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_SAMPLE, 10, 5);
        }
    }

    private final UnitTree tree;
    private final EventLog events;
    private final Settings settings;
    private final Clock clock;
    private final Optional<WatchService> inotify;
    private final Map<String, Tracked> tracked = new LinkedHashMap<>(); // by cgroup path; watcher thread only
    private final Map<Path, Tracked> byDir = new HashMap<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;
    private boolean baseline = true;
    private String failing = "";

    UnitWatch(UnitTree tree, EventLog events, Settings settings, Clock clock, boolean notify) {
        this.tree = Objects.requireNonNull(tree, "tree");
        this.events = Objects.requireNonNull(events, "events");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        Optional<WatchService> service = Optional.empty();
        if (notify) {
            try {
                service = Optional.of(FileSystems.getDefault().newWatchService());
            } catch (IOException | UnsupportedOperationException e) {
                log.info("unit events: no inotify ({}), memory.events read every [{}] only", e, settings.sample());
            }
        }
        this.inotify = service;
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
    }

    /** Reads every unit once (the baseline), then watches on its own thread until {@link #close()}. */
    public static UnitWatch start(UnitTree tree, EventLog events, Settings settings) {
        var watch = new UnitWatch(tree, events, settings, Clock.systemUTC(), true);
        watch.sample();
        log.info("unit events: [{}] units read every [{}], memory.events {}; pressure from [{}%] to below [{}%]",
                watch.tracked.size(), settings.sample(), watch.inotify.isPresent() ? "notified (inotify)" : "polled",
                settings.pressureThreshold(), settings.pressureClear());
        watch.thread.start();
        return watch;
    }

    /** Units followed now (watcher thread, or before the start). */
    int size() {
        return tracked.size();
    }

    private volatile int followed;

    /** Units followed at the end of the last listing, from any thread (tests wait on it). */
    int sizeSeen() {
        return followed;
    }

    /** One full reading: list the units, read each one's files, publish what crossed a rule. */
    void sample() {
        List<UnitCgroup> units;
        try {
            units = tree.list();
        } catch (IOException e) {
            report("listing units: " + e.getMessage());
            return;
        }
        Set<String> seen = new HashSet<>();
        for (UnitCgroup u : units) {
            seen.add(u.dir().group());
            Tracked t = track(u);
            readOom(t);
            readThrottle(t);
            readPressure(t);
        }
        tracked.values().removeIf(t -> {
            if (seen.contains(t.unit.dir().group())) {
                return false;
            }
            t.key.ifPresent(WatchKey::cancel);
            byDir.remove(t.unit.dir().path());
            return true;
        });
        baseline = false;
        followed = tracked.size();
        report("");
    }

    /** Units new since the last listing: tracked from zero, their memory.events read now (a slice's IN_CREATE). */
    void addNew() {
        try {
            for (UnitCgroup u : tree.list()) {
                if (!tracked.containsKey(u.dir().group())) {
                    readOom(track(u));
                }
            }
            followed = tracked.size();
        } catch (IOException e) {
            report("listing units: " + e.getMessage());
        }
    }

    private Tracked track(UnitCgroup u) {
        Tracked t = tracked.get(u.dir().group());
        if (t != null) {
            return t;
        }
        Tracked n = new Tracked(u);
        tracked.put(u.dir().group(), n);
        byDir.put(u.dir().path(), n);
        if (!baseline) {
            n.oomKill = 0; // a cgroup made after the baseline counts from zero
        }
        inotify.ifPresent(service -> {
            try {
                n.key = Optional.of(u.dir().path().register(service, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_CREATE));
            } catch (IOException | RuntimeException e) {
                log.debug("no inotify watch on [{}]: {}", u.dir().path(), e.toString());
            }
        });
        return n;
    }

    private void readOom(Tracked t) {
        if (t.unit.unit().endsWith(".slice")) {
            return;
        }
        Optional<MemoryEvents> read = read(t.unit.dir(), CgroupFile.MEMORY_EVENTS, MemoryEvents::parseCgroup);
        if (read.isEmpty()) {
            return;
        }
        long total = read.get().oomKill();
        if (t.oomKill >= 0 && total > t.oomKill) {
            events.publish(new OomKill(clock.instant(), t.unit.unit(), total - t.oomKill, total));
        }
        t.oomKill = total;
    }

    private void readThrottle(Tracked t) {
        read(t.unit.dir(), CgroupFile.CPU_STAT, CpuStat::parseCgroup).flatMap(CpuStat::throttling)
                .flatMap(now -> t.throttle.read(t.unit.unit(), now, clock.instant()))
                .ifPresent(events::publish);
    }

    private void readPressure(Tracked t) {
        for (var psi : PSI) {
            Optional<Pressure> p = read(t.unit.dir(), psi.getValue(), Pressure::parseCgroup);
            if (p.isPresent()) {
                t.pressure.computeIfAbsent(psi.getKey(), r -> new PressureRule(settings.pressureThreshold(),
                                settings.pressureClear()))
                        .read(t.unit.unit(), psi.getKey(), p.get().some().avg10(), clock.instant())
                        .ifPresent(events::publish);
            }
        }
    }

    @FunctionalInterface
    private interface Parser<T> {
        T parse(String raw, Path file) throws IOException;
    }

    /** The file parsed; empty when absent (controller off, unit gone) or unreadable (logged once). */
    private <T> Optional<T> read(CgroupDir dir, CgroupFile file, Parser<T> parser) {
        try {
            Optional<String> raw = dir.read(file);
            return raw.isEmpty() ? Optional.empty() : Optional.of(parser.parse(raw.get(), dir.file(file)));
        } catch (java.nio.file.NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException e) {
            log.debug("reading [{}] failed: {}", dir.file(file), e.getMessage());
            return Optional.empty();
        }
    }

    private void report(String problem) {
        if (!problem.isEmpty() && !problem.equals(failing)) {
            log.warn("unit events: {}; trying again in [{}]", problem, settings.sample());
        }
        failing = problem;
    }

    private void run() {
        long every = settings.sample().toNanos();
        long gap = NOTIFIED_READ_GAP.toNanos();
        long nextSample = System.nanoTime() + every;
        long nextNotifiedRead = System.nanoTime();
        Set<Tracked> dirty = new HashSet<>();
        boolean created = false;
        try {
            while (closed.getCount() > 0) {
                long now = System.nanoTime();
                long until = (dirty.isEmpty() && !created ? nextSample : Math.min(nextSample, nextNotifiedRead)) - now;
                if (inotify.isPresent() && until > 0) {
                    WatchKey key = inotify.get().poll(until, TimeUnit.NANOSECONDS);
                    for (; key != null; key = inotify.get().poll()) {
                        created |= collect(key, dirty);
                    }
                } else if (until > 0) {
                    closed.await(until, TimeUnit.NANOSECONDS);
                }
                if (closed.getCount() == 0) {
                    return;
                }
                now = System.nanoTime();
                if (now - nextSample >= 0) {
                    sample();
                    dirty.clear();
                    created = false;
                    nextSample = now + every;
                } else if ((!dirty.isEmpty() || created) && now - nextNotifiedRead >= 0) {
                    if (created) {
                        addNew();
                    }
                    dirty.forEach(this::readOom);
                    dirty.clear();
                    created = false;
                    nextNotifiedRead = now + gap;
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // close()
        } catch (RuntimeException e) {
            log.error("unit events stopped: the watcher thread failed", e);
        }
    }

    /** Notes a notified directory: its memory.events changed (dirty) or a directory appeared in it (true). */
    private boolean collect(WatchKey key, Set<Tracked> dirty) {
        boolean created = false;
        Tracked t = byDir.get((Path) key.watchable());
        for (WatchEvent<?> e : key.pollEvents()) {
            if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                created = true; // events lost: look for new units, and read all notified
                dirty.addAll(tracked.values());
            } else if (t != null && e.kind() == StandardWatchEventKinds.ENTRY_CREATE) {
                created |= t.unit.unit().endsWith(".slice");
            } else if (t != null && CgroupFile.MEMORY_EVENTS.fileName().equals(String.valueOf(e.context()))) {
                dirty.add(t);
            }
        }
        key.reset();
        return created;
    }

    @Override
    public void close() {
        closed.countDown();
        inotify.ifPresent(s -> {
            try {
                s.close();
            } catch (IOException e) {
                log.debug("closing inotify failed", e);
            }
        });
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
