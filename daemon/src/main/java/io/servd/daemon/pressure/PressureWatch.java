package io.servd.daemon.pressure;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.Cgroups;
import io.servd.cgroup.CgroupVersion;
import io.servd.cgroup.Controller;
import io.servd.cgroup.Limit;
import io.servd.cgroup.MemoryController;
import io.servd.cgroup.MemoryHigh;
import io.servd.cgroup.MemoryMax;
import io.servd.cgroup.ProcessCgroup;
import io.servd.cgroup.fs.CgroupFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a {@link LoadShedder} from a thread of its own ({@code servd-pressure}), never an event loop:
 * pressure events from systemd's watch ({@code $MEMORY_PRESSURE_WATCH}, with the trigger in
 * {@code $MEMORY_PRESSURE_WRITE}) or, when systemd sets none, from a PSI trigger
 * ({@link PressureOptions#trigger()}) on the own cgroup's {@code memory.pressure}; and every
 * {@link PressureOptions#sampleInterval()} the own cgroup's {@code memory.current},
 * {@code memory.high} and {@code memory.max}.
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

    private final LoadShedder shedder;
    private final Optional<MemoryController> memory;
    private final long intervalMillis;
    private final int[] wake = new int[2];
    private final Thread thread;
    private volatile PressureSource source;
    private volatile boolean closed;
    private boolean sampleFailed;

    private PressureWatch(LoadShedder shedder, Optional<PressureSource> source, Optional<MemoryController> memory)
            throws IOException {
        this.shedder = shedder;
        this.source = source.orElse(null);
        this.memory = memory;
        this.intervalMillis = Math.max(1, shedder.options().sampleInterval().toMillis());
        if (PressureLibc.libc().pipe2(wake, PressureLibc.O_CLOEXEC | PressureLibc.O_NONBLOCK) != 0) {
            source.ifPresent(PressureSource::close);
            throw new IOException("pipe2 for the pressure watch failed: " + PressureLibc.errno());
        }
        this.thread = new Thread(this::run, "servd-pressure");
        thread.setDaemon(true);
    }

    /**
     * Starts watching this process's own cgroup, found through {@code /proc/self/cgroup}. A process
     * without a readable cgroup is watched through systemd's watch alone, if any.
     *
     * @param env the process environment ({@code System.getenv()} in {@code main})
     * @throws IOException if the wake-up pipe cannot be made (file descriptors exhausted)
     */
    public static PressureWatch start(LoadShedder shedder, Map<String, String> env) throws IOException {
        Optional<MemoryController> memory = Optional.empty();
        Optional<Path> pressureFile = Optional.empty();
        try {
            ProcessCgroup self = Cgroups.self();
            memory = self.memory();
            if (self.version(Controller.MEMORY).equals(Optional.of(CgroupVersion.V2))) {
                pressureFile = self.directory(Controller.MEMORY).map(d -> d.file(CgroupFile.MEMORY_PRESSURE));
            }
        } catch (IOException e) {
            log.warn("memory pressure: cannot find our cgroup, memory.current is not watched: {}", e.getMessage());
        }
        memory.ifPresent(m -> shedder.relieveWith(new GiveBack(() -> readCurrent(m))));
        return start(shedder, env, memory, pressureFile);
    }

    /** Starts with the given memory controller and PSI file (tests: temp-dir trees, FIFOs, sockets). */
    static PressureWatch start(LoadShedder shedder, Map<String, String> env, Optional<MemoryController> memory,
                               Optional<Path> ownPressureFile) throws IOException {
        Objects.requireNonNull(shedder, "shedder");
        var watch = new PressureWatch(shedder, openSource(env, ownPressureFile, shedder.options()), memory);
        watch.sample(); // the limits and usage as they are at start, before the first interval
        watch.thread.start();
        return watch;
    }

    /** The file, FIFO or socket watched for pressure events; empty when none is. */
    public Optional<Path> watching() {
        PressureSource s = source;
        return s == null ? Optional.empty() : Optional.of(s.path());
    }

    /** Stops the thread and closes the watch; returns once the thread has ended. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        PressureLibc.libc().write(wake[1], new byte[] {1}, 1);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        PressureSource s = source;
        if (s != null) {
            s.close();
        }
        PressureLibc.libc().close(wake[0]);
        PressureLibc.libc().close(wake[1]);
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
                return;
            }
            try {
                if (w == PressureSource.Wakeup.PRESSURE) {
                    shedder.onPressure();
                }
                sample();
            } catch (RuntimeException e) {
                log.warn("memory pressure watch: handling an event failed", e); // keep watching
            }
        }
    }

    private void sample() {
        if (memory.isEmpty()) {
            return;
        }
        MemoryController m = memory.get();
        try {
            Limit<ByteSize> high = m.readHigh().map(MemoryHigh::limit).orElse(new Limit.Unlimited<>());
            Limit<ByteSize> max = m.readMax().map(MemoryMax::limit).orElse(new Limit.Unlimited<>());
            shedder.onMemoryLimit(high, max);
            Optional<ByteSize> current = m.readCurrent();
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
