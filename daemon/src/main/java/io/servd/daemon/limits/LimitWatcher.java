package io.servd.daemon.limits;

import io.servd.cgroup.Cgroups;
import io.servd.cgroup.ProcessCgroup;
import io.servd.cgroup.fs.CgroupFile;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the limits that bind this process: the effective CPU limit ({@code cpu.max} of the cgroup
 * and every ancestor, {@code cpuset.cpus.effective}), the memory limits ({@code memory.max},
 * {@code memory.high} of the cgroup and every ancestor), the own cgroup's PSI and its
 * {@code memory.events}. A change is noticed within about one poll interval (1 s by default),
 * logged once at INFO and handed to every listener as a {@link LimitChange}.
 *
 * <p>How: cgroup v2 notifies {@code memory.events} (kernfs_notify → inotify); the watcher waits on
 * that notification, so an OOM kill or a {@code memory.high} breach is seen at once. The limit files
 * and PSI are not notified (the kernel stays silent when {@code cpu.max} or {@code memory.max} is
 * written), so they are read once per interval: about a dozen small files for a service two levels
 * below the root. One daemon thread ({@value #THREAD_NAME}) does all of it; no event loop ever
 * touches the disk for it. Without inotify (a v1 host, or registration refused) {@code memory.events}
 * is polled too. {@code cgroup.events} is not watched: for the own cgroup {@code populated} is always
 * 1 while the process runs, and a frozen process cannot observe its own freeze.
 *
 * <p>Failure policy: discovery failing at {@link #start()} throws; a file that cannot be read later
 * keeps the last value read, with one WARN line until reads succeed again (and one INFO line then).
 * A listener that throws is logged at WARN and keeps its subscription.
 *
 * <p>Listeners run on the watcher thread, one after another: they must not block (resizing event
 * loops, {@link LoopResizer}, is a few field writes).
 */
public final class LimitWatcher implements AutoCloseable {

    /** Name of the watcher's thread. */
    public static final String THREAD_NAME = "servd-limits-watch";

    private static final Logger log = LoggerFactory.getLogger(LimitWatcher.class);
    /** Least time between two reads of a notified memory.events. */
    private static final long EVENTS_READ_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * How the watcher polls.
     *
     * @param pollInterval      how often the limit and PSI files are read; also the most
     *                          {@code memory.events} changes other than OOM are reported
     * @param pressureThreshold {@code some avg10} percentage from which a resource is under pressure
     * @param hostCpus          the CPUs online on the host, at least 1
     */
    public record Settings(Duration pollInterval, double pressureThreshold, int hostCpus) {
        /** 1 s, the latency issue 15 asks for at a dozen small reads a second. */
        public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
        /** 10% of the last 10 s with a task stalled. */
        public static final double DEFAULT_PRESSURE_THRESHOLD = 10.0;

        public Settings {
            Objects.requireNonNull(pollInterval, "pollInterval");
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("poll interval must be positive [" + pollInterval + "]");
            }
            if (!(pressureThreshold > 0 && pressureThreshold <= 100)) {
                throw new IllegalArgumentException("pressure threshold must be in (0, 100] [" + pressureThreshold + "]");
            }
            if (hostCpus < 1) {
                throw new IllegalArgumentException("hostCpus must be positive [" + hostCpus + "]");
            }
        }

        /** The defaults, for a host with {@code hostCpus} CPUs online. */
        public static Settings defaults(int hostCpus) {
            return new Settings(DEFAULT_POLL_INTERVAL, DEFAULT_PRESSURE_THRESHOLD, hostCpus);
        }

        /** A copy polling every {@code interval}. */
        public Settings withPollInterval(Duration interval) {
            return new Settings(interval, pressureThreshold, hostCpus);
        }
    }

    private final LimitReader reader;
    private final Settings settings;
    private final Optional<EventsWatch> watch;
    private final Changes changes;
    private final List<Consumer<LimitChange>> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object(); // orders state updates against subscribe()
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;
    private volatile WatchedLimits state;
    private String failing = ""; // watcher thread only: the errors last logged

    private LimitWatcher(LimitReader reader, Settings settings, Optional<EventsWatch> watch, WatchedLimits initial) {
        this.reader = reader;
        this.settings = settings;
        this.watch = watch;
        this.state = initial;
        this.changes = new Changes(settings.pressureThreshold(), initial);
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
    }

    /**
     * Watches this process's cgroup ({@link Cgroups#self()}) with the defaults, the host's CPUs from
     * {@code /sys/devices/system/cpu/online}.
     *
     * @throws IOException when the cgroup cannot be discovered, as {@link Cgroups#self()}
     */
    public static LimitWatcher start() throws IOException {
        int host = HostCpus.read(HostCpus.ONLINE, Runtime.getRuntime().availableProcessors());
        return start(Cgroups.self(), Settings.defaults(host));
    }

    /**
     * Watches {@code cgroup}: reads everything once (so {@link #current()} is filled on return), logs
     * it at INFO, and starts the watcher thread.
     */
    public static LimitWatcher start(ProcessCgroup cgroup, Settings settings) {
        Objects.requireNonNull(cgroup, "cgroup");
        Objects.requireNonNull(settings, "settings");
        LimitReader reader = new LimitReader(cgroup, settings.hostCpus());
        List<IOException> errors = new ArrayList<>();
        WatchedLimits initial = reader.readAll(errors);
        Optional<EventsWatch> watch = Optional.empty();
        Optional<Path> events = reader.notifiedDirectory().map(d -> d.resolve(CgroupFile.MEMORY_EVENTS.fileName()));
        if (events.isPresent() && initial.memoryEvents().isPresent()) {
            try {
                watch = Optional.of(EventsWatch.open(events.get()));
            } catch (IOException | RuntimeException e) {
                log.info("memory.events polled: inotify on [{}] unavailable: {}", events.get(), e.toString());
            }
        }
        log.info("limits of cgroup [{}]: cpu [{}] memory {}; memory.events {}, others polled every [{}]",
                cgroup.path(), initial.cpu().describe(), initial.memory().describe(),
                watch.isPresent() ? "notified (inotify)" : initial.memoryEvents().isPresent() ? "polled" : "absent",
                settings.pollInterval());
        LimitWatcher watcher = new LimitWatcher(reader, settings, watch, initial);
        watcher.reportErrors(errors);
        watcher.thread.start();
        return watcher;
    }

    /** The last reading; never blocks, never reads a file. */
    public WatchedLimits current() {
        return state;
    }

    /**
     * Adds a listener and returns the reading it starts from: every change after that reading reaches
     * the listener, none before it.
     */
    public WatchedLimits subscribe(Consumer<LimitChange> listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lock) {
            listeners.add(listener);
            return state;
        }
    }

    /** Removes a listener added by {@link #subscribe}. */
    public void unsubscribe(Consumer<LimitChange> listener) {
        listeners.remove(listener);
    }

    /**
     * The cgroup watched, as discovered at {@link #start()}: for a reader of files this watcher does
     * not read ({@code memory.current}), so that a service discovers its cgroup once.
     */
    public ProcessCgroup cgroup() {
        return reader.cgroup();
    }

    /** Whether {@code memory.events} changes arrive through inotify (else they are polled). */
    public boolean notified() {
        return watch.isPresent();
    }

    /** Stops the watcher thread (closing the watch wakes it) and waits for it; idempotent. */
    @Override
    public void close() {
        closed.countDown();
        watch.ifPresent(w -> {
            try {
                w.close();
            } catch (IOException e) {
                log.debug("closing the inotify watch failed", e);
            }
        });
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long interval = settings.pollInterval().toNanos();
        long now = System.nanoTime();
        long nextPoll = now + interval;
        long lastEvent = now - interval; // when the last MemoryEvent went out
        long nextEventsRead = now;
        boolean eventsDirty = false; // notified, not yet reported
        try {
            while (closed.getCount() > 0) {
                // once notified, wait on the latch, not the watch: a storm of memory.high events
                // then costs at most one read of memory.events per EVENTS_READ_GAP, not one per event
                long wait = (eventsDirty ? Math.min(nextPoll, nextEventsRead) : nextPoll) - System.nanoTime();
                if (wait > 0 && !eventsDirty && watch.isPresent()) {
                    eventsDirty = watch.get().await(wait);
                } else if (wait > 0) {
                    closed.await(wait, TimeUnit.NANOSECONDS);
                }
                if (closed.getCount() == 0) {
                    return;
                }
                now = System.nanoTime();
                boolean tick = now - nextPoll >= 0;
                List<IOException> errors = new ArrayList<>();
                List<LimitChange> found = new ArrayList<>();
                WatchedLimits before = state;
                WatchedLimits next = before;
                if (tick) {
                    next = reader.readPolled(before, errors);
                    changes.polled(before, next, found);
                    nextPoll = now + interval;
                }
                if ((eventsDirty && now - nextEventsRead >= 0) || (tick && (eventsDirty || watch.isEmpty()))) {
                    nextEventsRead = now + EVENTS_READ_GAP_NANOS;
                    var events = reader.readMemoryEvents(before.memoryEvents(), errors);
                    var event = Changes.events(before.memoryEvents(), events);
                    // an OOM at once, other counters at most once per interval; until then the state
                    // keeps the older counters, so that the report has the whole rise
                    if (event.isEmpty() || event.get().oom() || tick || now - lastEvent >= interval) {
                        event.ifPresent(found::add);
                        next = next.withMemoryEvents(events);
                        eventsDirty = false;
                        lastEvent = event.isPresent() ? now : lastEvent;
                    }
                }
                publish(next, found);
                reportErrors(errors);
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // close(): nothing left to do
        }
    }

    private void publish(WatchedLimits next, List<LimitChange> found) {
        List<Consumer<LimitChange>> targets;
        synchronized (lock) {
            state = next;
            targets = List.copyOf(listeners);
        }
        for (LimitChange change : found) {
            log.info("{}", change.describe());
            for (Consumer<LimitChange> listener : targets) {
                try {
                    listener.accept(change);
                } catch (RuntimeException e) {
                    log.warn("limit listener [{}] failed on [{}]", listener, change.describe(), e);
                }
            }
        }
    }

    private void reportErrors(List<IOException> errors) {
        String now = errors.stream().map(Throwable::getMessage).toList().toString();
        if (errors.isEmpty() && !failing.isEmpty()) {
            log.info("cgroup files of [{}] readable again", reader.cgroup().path());
        } else if (!errors.isEmpty() && !now.equals(failing)) {
            log.warn("reading cgroup files of [{}] failed, keeping the last values: {}", reader.cgroup().path(), now);
        }
        failing = errors.isEmpty() ? "" : now;
    }
}
