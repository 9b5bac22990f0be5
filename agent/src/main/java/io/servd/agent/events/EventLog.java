package io.servd.agent.events;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The agent's events: {@link #publish} gives each an {@code id} (1, 2, 3… counted from servd's start),
 * keeps it in a bounded ring — the last {@link #capacity} events and at most {@link #budgetBytes} of
 * their JSON lines, the older ones dropped first —, journals it, and wakes the followers. Thread-safe:
 * any thread may publish (the cgroup watcher, the limits thread, D-Bus); nothing here blocks or
 * touches the disk beyond the log call.
 *
 * <p>Journal: one INFO line per event on logger {@code io.servd.agent.events.EventLog} with SLF4J
 * key-values {@code event} (the type), {@code event_id}, {@code unit} and the details flattened
 * ({@code delta}, {@code changes_memory_max_old}…), which {@code JournalAppender} sends as
 * {@code SERVD_EVENT=oom-kill}, {@code SERVD_UNIT=…}. A flood is cut to {@link JournalRate}'s budget
 * (the ring and the followers still get every event): the first line after a cut says how many were left out.
 */
public final class EventLog {
    /** Events kept for replay at most. */
    public static final int DEFAULT_CAPACITY = 10_000;
    /** JSON bytes kept for replay at most: about 200 bytes an event, so both bounds bind at about the same count. */
    public static final long DEFAULT_BUDGET_BYTES = 2L << 20;

    private static final Logger log = LoggerFactory.getLogger(EventLog.class);

    /** One published event, its id and its NDJSON line (newline-terminated). */
    public record Logged(long id, Event event, byte[] line) {
        public Logged {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(line, "line");
        }
    }

    /**
     * The events after an id: {@code lost} of them are no longer kept (dropped from the ring before
     * they were read), then {@code events}, oldest first.
     */
    public record Slice(long lost, List<Logged> events) {
        public Slice {
            events = List.copyOf(events);
        }
    }

    private final int capacity;
    private final long budgetBytes;
    private final JournalRate journal;
    private final ArrayDeque<Logged> ring = new ArrayDeque<>();
    private final List<Runnable> followers = new CopyOnWriteArrayList<>();
    private long nextId = 1;   // guarded by this
    private long bytes;        // guarded by this

    /** The defaults: 10,000 events, 2 MiB, {@link JournalRate#DEFAULT_LINES_PER_WINDOW} journal lines per 10 s. */
    public EventLog() {
        this(DEFAULT_CAPACITY, DEFAULT_BUDGET_BYTES, new JournalRate(JournalRate.DEFAULT_LINES_PER_WINDOW,
                JournalRate.DEFAULT_WINDOW, System::nanoTime));
    }

    EventLog(int capacity, long budgetBytes, JournalRate journal) {
        if (capacity < 1 || budgetBytes < 1) {
            throw new IllegalArgumentException("capacity [" + capacity + "] and budget [" + budgetBytes + "] must be positive");
        }
        this.capacity = capacity;
        this.budgetBytes = budgetBytes;
        this.journal = Objects.requireNonNull(journal, "journal");
    }

    /** A log keeping at most {@code capacity} events, journalling at the default rate. */
    public static EventLog ofCapacity(int capacity) {
        return new EventLog(capacity, DEFAULT_BUDGET_BYTES, new JournalRate(JournalRate.DEFAULT_LINES_PER_WINDOW,
                JournalRate.DEFAULT_WINDOW, System::nanoTime));
    }

    public int capacity() {
        return capacity;
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    /** Records {@code event}: its id, the ring, the journal, the followers. */
    public Logged publish(Event event) {
        Objects.requireNonNull(event, "event");
        Logged logged;
        synchronized (this) {
            long id = nextId++;
            logged = new Logged(id, event, EventJson.line(id, event));
            ring.addLast(logged);
            bytes += logged.line().length;
            while (ring.size() > capacity || (bytes > budgetBytes && ring.size() > 1)) {
                bytes -= ring.removeFirst().line().length;
            }
        }
        journal(logged);
        for (Runnable wake : followers) {
            wake.run();
        }
        return logged;
    }

    /** The id of the newest event, 0 before the first. */
    public synchronized long lastId() {
        return nextId - 1;
    }

    /**
     * At most {@code max} events with an id above {@code after}, oldest first, and how many between
     * {@code after} and the oldest kept are gone. An {@code after} at or above {@link #lastId()} gives none;
     * one above it is from an earlier run of servd (ids restart at 1) — see {@link #afterForId}.
     */
    public synchronized Slice after(long after, int max) {
        List<Logged> out = new ArrayList<>(Math.min(max, ring.size()));
        long oldest = ring.isEmpty() ? nextId : ring.peekFirst().id();
        long lost = Math.max(0, oldest - 1 - after);
        if (ring.isEmpty() || after >= ring.peekLast().id()) {
            return new Slice(0, out);
        }
        // ids are consecutive in the ring: skip straight to the first one after `after`
        long skip = Math.max(0, after + 1 - oldest);
        Iterator<Logged> it = ring.iterator();
        for (long i = 0; i < skip; i++) {
            it.next();
        }
        while (it.hasNext() && out.size() < max) {
            out.add(it.next());
        }
        return new Slice(lost, out);
    }

    /**
     * Where a replay {@code since=<id>} starts: events with an id above {@code id}. An id above the
     * newest is from before servd restarted (ids restart at 1): everything kept is replayed.
     */
    public synchronized long afterForId(long id) {
        return id > nextId - 1 ? 0 : id;
    }

    /** Where a replay {@code since=<time>} starts: the events at or after {@code time}. */
    public synchronized long afterForTime(Instant time) {
        long after = ring.isEmpty() ? nextId - 1 : ring.peekFirst().id() - 1;
        for (Logged l : ring) {
            if (!l.event().time().isBefore(time)) {
                return after;
            }
            after = l.id();
        }
        return after;
    }

    /** {@code wake} runs (on the publishing thread; it must not block) after every publish until {@link #unfollow}. */
    public void follow(Runnable wake) {
        followers.add(Objects.requireNonNull(wake, "wake"));
    }

    public void unfollow(Runnable wake) {
        followers.remove(wake);
    }

    private void journal(Logged logged) {
        java.util.OptionalLong cut = journal.tryAcquire();
        if (cut.isEmpty()) {
            return;
        }
        Event e = logged.event();
        LoggingEventBuilder line = log.atInfo().addKeyValue("event", e.type()).addKeyValue("event_id", logged.id())
                .addKeyValue("unit", e.unit());
        var fields = EventJson.fields(e);
        fields.forEach(line::addKeyValue);
        if (cut.getAsLong() > 0) {
            line.addKeyValue("events_not_journalled", cut.getAsLong());
        }
        line.log("event {} [{}] {}{}", e.type(), e.unit(), fields,
                cut.getAsLong() > 0 ? " (" + cut.getAsLong() + " events not journalled before this one: rate limit)" : "");
    }

    /**
     * How many event lines go to the journal: at most {@code lines} per {@code window}; the rest are
     * counted and the count rides on the next line let through. Thread-safe.
     */
    static final class JournalRate {
        static final int DEFAULT_LINES_PER_WINDOW = 100;
        static final java.time.Duration DEFAULT_WINDOW = java.time.Duration.ofSeconds(10);

        private final int lines;
        private final long windowNanos;
        private final LongSupplier nanoTime;
        private long windowStart;   // guarded by this
        private int used;           // guarded by this
        private long cut;           // guarded by this
        private boolean started;    // guarded by this

        JournalRate(int lines, java.time.Duration window, LongSupplier nanoTime) {
            this.lines = lines;
            this.windowNanos = window.toNanos();
            this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        }

        /** Present (holding the count left out since the last line) when a line may be written now. */
        synchronized java.util.OptionalLong tryAcquire() {
            long now = nanoTime.getAsLong();
            if (!started || now - windowStart >= windowNanos) {
                started = true;
                windowStart = now;
                used = 0;
            }
            if (used >= lines) {
                cut++;
                return java.util.OptionalLong.empty();
            }
            used++;
            long n = cut;
            cut = 0;
            return java.util.OptionalLong.of(n);
        }
    }
}
