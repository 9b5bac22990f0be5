package io.servd.daemon.pressure;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupVersion;
import io.servd.cgroup.Controller;
import io.servd.cgroup.EffectiveLimit;
import io.servd.cgroup.Limit;
import io.servd.cgroup.MemoryController;
import io.servd.cgroup.MemoryHigh;
import io.servd.cgroup.MemoryMax;
import io.servd.cgroup.ProcessCgroup;
import io.servd.cgroup.fs.CgroupFile;
import io.servd.daemon.limits.LimitChange;
import io.servd.daemon.limits.LimitWatcher;
import io.servd.daemon.limits.MemoryLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a {@link LoadShedder} from a thread of its own ({@code servd-pressure}), never an event loop:
 * pressure events from systemd's watch ({@code $MEMORY_PRESSURE_WATCH}, with the trigger in
 * {@code $MEMORY_PRESSURE_WRITE}) or, when systemd sets none, from a PSI trigger
 * ({@link PressureOptions#trigger()}) on the own cgroup's {@code memory.pressure}; the memory limits
 * from a {@link LimitWatcher}; and every {@link PressureOptions#sampleInterval()} the own cgroup's
 * {@code memory.current}.
 *
 * <p>One reader per file: the limits ({@code memory.high}, {@code memory.max} of the cgroup and every
 * ancestor) are the watcher's, which reads them once per its interval; this class never reads them.
 * It subscribes to {@link LimitChange.MemoryLimitChanged} and starts from the watcher's reading.
 * Changes arrive on the watcher's thread, which must not block, so they are handed over to this
 * thread (which may give memory back, a collection of up to seconds) through the wake-up pipe.
 *
 * <p>{@link LimitChange.MemoryEvent}s ({@code memory.events}, notified by inotify) count as pressure
 * events when {@code high}, {@code max} or {@code oom} rose — the kernel throttled us at
 * {@code memory.high}, reclaimed at {@code memory.max}, or failed an allocation — but only while no
 * pressure watch is open. The PSI trigger (ours or systemd's) measures the stalls those same breaches
 * cause; counting both would see one episode twice, and the second event within the quiet period
 * makes the shedder shed without a give-back having had its chance. Where there is no trigger (PSI
 * off in the kernel, a trigger refused, the watch failed later) {@code memory.events} is the only
 * signal the kernel pushes, and then it is used. {@code $MEMORY_PRESSURE_WATCH=/dev/null} turns both off.
 *
 * <p>Without a watcher ({@link #start(LoadShedder, Map, Optional)} with none) nothing of the cgroup is read: pressure
 * events come from systemd's watch alone, and the shedder measures RSS. That is what remains for a
 * service whose cgroup could not be discovered; a service that can should start a {@link LimitWatcher}.
 *
 * <table>
 * <caption>failure policy (each logged once)</caption>
 * <tr><td>{@code $MEMORY_PRESSURE_WATCH=/dev/null}</td><td>pressure events off, as systemd asks;
 *     memory is still sampled</td></tr>
 * <tr><td>the watch cannot be opened or the trigger is refused</td><td>WARN; memory is still sampled</td></tr>
 * <tr><td>no cgroup v2 {@code memory.pressure} (v1 host, no permission)</td><td>INFO; memory is still sampled</td></tr>
 * <tr><td>the watch fails later (socket closed, cgroup removed)</td><td>WARN; sampling goes on</td></tr>
 * <tr><td>no memory controller</td><td>pressure events only</td></tr>
 * </table>
 */
public final class PressureWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PressureWatch.class);
    static final String WATCH = "MEMORY_PRESSURE_WATCH";
    static final String WRITE = "MEMORY_PRESSURE_WRITE";
    private static final byte[] WAKE = {1};

    private final LoadShedder shedder;
    private final Optional<LimitWatcher> limits;
    private final Optional<MemoryController> memory;
    private final boolean offBySystemd;
    private final long intervalMillis;
    private final int[] wake = new int[2];
    private final Thread thread;
    private final Consumer<LimitChange> listener = this::onLimitChange;
    /** The latest memory limits from the watcher, not yet handed to the shedder. */
    private final AtomicReference<MemoryLimits> pendingLimits = new AtomicReference<>();
    /** A memory.events rise counted as pressure, not yet handed to the shedder. */
    private final AtomicBoolean pendingEvent = new AtomicBoolean();
    private volatile PressureSource source;
    private volatile boolean closed;
    private boolean sampleFailed;

    private PressureWatch(LoadShedder shedder, Optional<PressureSource> source, Optional<LimitWatcher> limits,
                          Optional<MemoryController> memory, boolean offBySystemd) throws IOException {
        this.shedder = shedder;
        this.source = source.orElse(null);
        this.limits = limits;
        this.memory = memory;
        this.offBySystemd = offBySystemd;
        this.intervalMillis = Math.max(1, shedder.options().sampleInterval().toMillis());
        if (PressureLibc.libc().pipe2(wake, PressureLibc.O_CLOEXEC | PressureLibc.O_NONBLOCK) != 0) {
            source.ifPresent(PressureSource::close);
            throw new IOException("pipe2 for the pressure watch failed: " + PressureLibc.errno());
        }
        this.thread = new Thread(this::run, "servd-pressure");
        thread.setDaemon(true);
    }

    /**
     * Starts watching the cgroup {@code limits} follows: its memory limits as the watcher reports them
     * (ancestors included), its {@code memory.current}, and pressure events from systemd's watch or a
     * PSI trigger on its {@code memory.pressure}. The watcher must outlive this watch; closing this
     * one unsubscribes from it.
     *
     * @param env the process environment ({@code System.getenv()} in {@code main})
     * @throws IOException if the wake-up pipe cannot be made (file descriptors exhausted)
     */
    public static PressureWatch start(LoadShedder shedder, Map<String, String> env, LimitWatcher limits)
            throws IOException {
        Objects.requireNonNull(limits, "limits");
        ProcessCgroup self = limits.cgroup();
        Optional<Path> pressureFile = self.version(Controller.MEMORY).equals(Optional.of(CgroupVersion.V2))
                ? self.directory(Controller.MEMORY).map(d -> d.file(CgroupFile.MEMORY_PRESSURE))
                : Optional.empty();
        self.memory().ifPresent(m -> shedder.relieveWith(new GiveBack(() -> readCurrent(m))));
        return start(shedder, env, Optional.of(limits), pressureFile);
    }

    /**
     * {@link #start(LoadShedder, Map, LimitWatcher)} when there is a watcher; without one (the cgroup
     * could not be discovered) pressure events come from systemd's watch ({@code $MEMORY_PRESSURE_WATCH})
     * alone, with no limits and no {@code memory.current}. The one line for an application:
     *
     * <pre>{@code
     * Optional<LimitWatcher> limits = ...; // empty when discovery failed
     * try (PressureWatch pressure = PressureWatch.start(shedder, env, limits)) { ... }
     * }</pre>
     *
     * @throws IOException if the wake-up pipe cannot be made (file descriptors exhausted)
     */
    public static PressureWatch start(LoadShedder shedder, Map<String, String> env, Optional<LimitWatcher> limits)
            throws IOException {
        Objects.requireNonNull(limits, "limits");
        return limits.isPresent() ? start(shedder, env, limits.get()) : start(shedder, env, limits, Optional.empty());
    }

    /** Starts with the given watcher and PSI file (tests: temp-dir trees, FIFOs, sockets). */
    static PressureWatch start(LoadShedder shedder, Map<String, String> env, Optional<LimitWatcher> limits,
                               Optional<Path> ownPressureFile) throws IOException {
        Objects.requireNonNull(shedder, "shedder");
        Optional<MemoryController> memory = limits.flatMap(l -> l.cgroup().memory());
        var watch = new PressureWatch(shedder, openSource(env, ownPressureFile, shedder.options()), limits, memory,
                "/dev/null".equals(env.get(WATCH)));
        // the limits and usage as they are at start, before the first interval; changes after this
        // reading reach the listener
        limits.ifPresent(l -> watch.applyLimits(l.subscribe(watch.listener).memory()));
        if (watch.source == null && !watch.offBySystemd
                && limits.map(l -> l.current().memoryEvents().isPresent()).orElse(false)) {
            log.info("memory pressure: rises of memory.events high, max and oom count as pressure events");
        }
        watch.sample();
        watch.thread.start();
        return watch;
    }

    /** The file, FIFO or socket watched for pressure events; empty when none is. */
    public Optional<Path> watching() {
        PressureSource s = source;
        return s == null ? Optional.empty() : Optional.of(s.path());
    }

    /** Stops the thread, unsubscribes and closes the watch; returns once the thread has ended. Idempotent. */
    @Override
    public void close() {
        synchronized (wake) {
            if (closed) {
                return;
            }
            closed = true;
            PressureLibc.libc().write(wake[1], WAKE, 1);
        }
        limits.ifPresent(l -> l.unsubscribe(listener));
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        PressureSource s = source;
        if (s != null) {
            s.close();
        }
        synchronized (wake) { // a listener call already under way writes to the pipe under this lock
            PressureLibc.libc().close(wake[0]);
            PressureLibc.libc().close(wake[1]);
        }
    }

    static Optional<PressureSource> openSource(Map<String, String> env, Optional<Path> ownPressureFile,
                                               PressureOptions options) {
        String watch = env.get(WATCH);
        if (watch != null && !watch.isEmpty()) {
            if (watch.equals("/dev/null")) {
                log.info("memory pressure events off: ${} is /dev/null", WATCH);
                return Optional.empty();
            }
            try {
                byte[] trigger = Base64.getDecoder().decode(env.getOrDefault(WRITE, ""));
                Path path = Path.of(watch);
                if (!path.isAbsolute()) {
                    throw new IOException("$" + WATCH + " [" + watch + "] is not an absolute path");
                }
                PressureSource s = PressureSource.open(path, trigger);
                log.info("watching memory pressure on [{}] ({} from ${}, trigger [{}])", path,
                        s.kind().name().toLowerCase(java.util.Locale.ROOT), WATCH, PressureSource.printable(trigger));
                return Optional.of(s);
            } catch (IllegalArgumentException e) {
                log.warn("memory pressure events off: ${} [{}] is not base64", WRITE, env.get(WRITE));
            } catch (IOException e) {
                log.warn("memory pressure events off: {}", e.getMessage());
            }
            return Optional.empty();
        }
        if (ownPressureFile.isEmpty()) {
            log.info("memory pressure events off: no cgroup v2 memory.pressure; watching memory.current only");
            return Optional.empty();
        }
        try {
            PressureSource s = PressureSource.open(ownPressureFile.get(), options.triggerBytes());
            log.info("watching memory pressure on [{}] (trigger [{}])", s.path(), options.trigger().format());
            return Optional.of(s);
        } catch (IOException e) {
            log.info("memory pressure events off: {}; watching memory.current only", e.getMessage());
            return Optional.empty();
        }
    }

    private void run() {
        while (!closed) {
            PressureSource s = source;
            PressureSource.Wakeup w;
            try {
                w = s != null ? s.await(wake[0], intervalMillis) : PressureSource.poll(null, wake[0], intervalMillis);
            } catch (IOException e) {
                log.warn("memory pressure events off: {}; watching memory.current only", e.getMessage());
                source = null;
                s.close();
                continue;
            }
            if (w == PressureSource.Wakeup.WOKEN) {
                if (closed) {
                    return;
                }
                drainWake(); // a hand-over from the watcher's thread
            }
            try {
                MemoryLimits next = pendingLimits.getAndSet(null);
                if (next != null) {
                    applyLimits(next);
                }
                boolean event = pendingEvent.getAndSet(false); // cleared even when the watch fired too: one event
                if (w == PressureSource.Wakeup.PRESSURE || event) {
                    shedder.onPressure();
                }
                sample();
            } catch (RuntimeException e) {
                log.warn("memory pressure watch: handling an event failed", e); // keep watching
            }
        }
    }

    /** On the watcher's thread: keep what this thread needs and wake it; never blocks. */
    private void onLimitChange(LimitChange change) {
        if (change instanceof LimitChange.MemoryLimitChanged m) {
            pendingLimits.set(m.current());
        } else if (change instanceof LimitChange.MemoryEvent e && countsAsPressure(e)) {
            pendingEvent.set(true);
        } else {
            return;
        }
        synchronized (wake) {
            if (!closed) {
                PressureLibc.libc().write(wake[1], WAKE, 1); // EAGAIN when full: it is readable already
            }
        }
    }

    /** {@code high}, {@code max} or {@code oom} rose, while no pressure watch is open (see the class comment). */
    private boolean countsAsPressure(LimitChange.MemoryEvent e) {
        boolean rose = e.current().high() > e.previous().high() || e.current().max() > e.previous().max() || e.oom();
        return rose && source == null && !offBySystemd;
    }

    private void drainWake() {
        byte[] scratch = new byte[64];
        while (PressureLibc.libc().read(wake[0], scratch, scratch.length) > 0) {
            // until EAGAIN: every hand-over is in the atomics already
        }
    }

    /** The watcher's effective limits to the shedder; an absent file (no controller, v1 high) is no limit. */
    private void applyLimits(MemoryLimits m) {
        shedder.onMemoryLimit(m.high().map(EffectiveLimit::value).map(MemoryHigh::limit).orElse(new Limit.Unlimited<>()),
                m.max().map(EffectiveLimit::value).map(MemoryMax::limit).orElse(new Limit.Unlimited<>()));
    }

    /** {@code memory.current} of the own cgroup; the limits are the watcher's, never read here. */
    private void sample() {
        if (memory.isEmpty()) {
            return;
        }
        try {
            Optional<ByteSize> current = memory.get().readCurrent();
            current.ifPresent(shedder::onMemoryCurrent);
            if (sampleFailed) {
                sampleFailed = false;
                log.info("memory pressure watch: reading memory.current works again");
            }
        } catch (IOException e) {
            if (!sampleFailed) {
                sampleFailed = true;
                log.warn("memory pressure watch: cannot read memory usage: {}", e.getMessage());
            }
        }
    }

    private static Optional<ByteSize> readCurrent(MemoryController m) {
        try {
            return m.readCurrent();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
