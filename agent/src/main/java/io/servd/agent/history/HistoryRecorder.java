package io.servd.agent.history;

import io.servd.agent.units.ActiveState;
import io.servd.agent.units.UnitCgroup;
import io.servd.agent.units.UnitState;
import io.servd.agent.units.UnitStates;
import io.servd.agent.units.UnitTree;
import io.servd.cgroup.CgroupReader;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a {@link Frame} every {@code interval} on its own daemon thread ({@value #THREAD_NAME}), never
 * an event loop: cgroupfs reads and the disk write both block. Ticks are multiples of the interval
 * since the epoch (03:00:00, 03:00:05, …), so that stepping by the interval lands on frames; a tick
 * missed because the previous one ran long is skipped, not caught up.
 *
 * <p>Which units: those with a cgroup, and those systemd reports in a state other than
 * {@code inactive} (a failed unit keeps its state and has no cgroup), as {@code servctl units} shows
 * them. Hundreds of loaded inactive units would cost bytes in every frame and say nothing.
 */
public final class HistoryRecorder implements AutoCloseable {
    public static final String THREAD_NAME = "servd-history";
    private static final Logger log = LoggerFactory.getLogger(HistoryRecorder.class);

    private final UnitTree tree;
    private final UnitStates states;
    private final HistoryStore store;
    private final Duration interval;
    private final Clock clock;
    /** What history keeps of a cgroup, no more (SampleVector). */
    private final CgroupReader reader = new CgroupReader(System::nanoTime, SampleVector.FILES);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;
    private String failing = "";

    HistoryRecorder(UnitTree tree, UnitStates states, HistoryStore store, Duration interval, Clock clock) {
        this.tree = Objects.requireNonNull(tree, "tree");
        this.states = Objects.requireNonNull(states, "states");
        this.store = Objects.requireNonNull(store, "store");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
    }

    /** Records into {@code store} every {@code interval} until {@link #close()}. */
    public static HistoryRecorder start(UnitTree tree, UnitStates states, HistoryStore store, Duration interval) {
        var recorder = new HistoryRecorder(tree, states, store, interval, Clock.systemUTC());
        recorder.thread.start();
        log.info("history: every unit recorded every [{}] into [{}]", interval, store.directory());
        return recorder;
    }

    /** The first tick after {@code now}: the next multiple of the interval since the epoch. */
    Instant nextTick(Instant now) {
        long step = interval.toMillis();
        long ms = now.toEpochMilli();
        return Instant.ofEpochMilli((Math.floorDiv(ms, step) + 1) * step);
    }

    private void run() {
        try {
            while (true) {
                Instant tick = nextTick(clock.instant());
                long wait = Duration.between(clock.instant(), tick).toMillis();
                if (closed.await(Math.max(wait, 0), TimeUnit.MILLISECONDS)) {
                    return;
                }
                store.append(read(tick));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every unit now, as the frame of {@code tick}. */
    Frame read(Instant tick) {
        List<UnitCgroup> units;
        try {
            units = tree.list();
            report("");
        } catch (IOException e) {
            report("listing units under [" + tree.root().mountPoint() + "]: " + e.getMessage());
            units = List.of();
        }
        SortedMap<String, UnitState> all = states.all();
        List<UnitSample> samples = new ArrayList<>(units.size());
        Set<String> written = new HashSet<>();
        for (UnitCgroup u : units) {
            samples.add(new UnitSample(u.unit(), Optional.of(reader.read(u.dir())), Optional.ofNullable(all.get(u.unit()))));
            written.add(u.unit());
        }
        for (UnitState s : all.values()) {
            if (!written.contains(s.unit()) && s.activeState() != ActiveState.INACTIVE) {
                samples.add(new UnitSample(s.unit(), Optional.empty(), Optional.of(s)));
            }
        }
        return new Frame(tick, samples);
    }

    /** Logs a listing failure when it starts and when it ends, not at every tick. */
    private void report(String failure) {
        if (!failure.equals(failing)) {
            if (failure.isEmpty()) {
                log.info("history: units listed again");
            } else {
                log.warn("history: {}; recording no cgroups until it works again", failure);
            }
            failing = failure;
        }
    }

    /** Stops recording and closes the segment being written. */
    @Override
    public void close() {
        closed.countDown();
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
