package io.servd.agent.units;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every unit systemd has loaded and its {@link UnitState}, kept current by systemd's own signals, not
 * by polling: {@code Manager.ListUnits} once, then {@code Subscribe} and {@code UnitNew},
 * {@code UnitRemoved} and {@code PropertiesChanged} of the unit objects ({@code org.freedesktop.systemd1(5)}).
 * Properties a change only invalidates (systemd 252 does so for some Service properties) are read
 * again with {@code Properties.Get}.
 *
 * <p>Reads ({@link #get}, {@link #all}) never block and may come from any thread. Everything that talks
 * to the bus runs on one daemon thread, {@code servd-unit-states}, never on an event loop.
 *
 * <table>
 *   <caption>What happens when</caption>
 *   <tr><th>event</th><th>states</th><th>then</th></tr>
 *   <tr><td>the bus cannot be reached, or the connection drops</td><td>unavailable</td>
 *       <td>reconnect after 250 ms, doubling to at most {@link #MAX_RETRY}; logged once per change, not per attempt</td></tr>
 *   <tr><td>systemd leaves the bus ({@code NameOwnerChanged}, no new owner)</td><td>unavailable</td>
 *       <td>wait for it on the same connection</td></tr>
 *   <tr><td>systemd is back on the bus (re-exec, restart)</td><td>available</td><td>subscribe and list anew</td></tr>
 *   <tr><td>a daemon-reload ({@code Reloading(true)} … {@code Reloading(false)})</td><td>available, as before it</td>
 *       <td>{@code UnitRemoved} and {@code UnitNew} while it runs are not changes: systemd 252 sends both for every unit
 *       it holds, again and again (one {@code systemctl daemon-reload} in the bookworm VM: 1,698 of each for 211 names;
 *       reading each new one took servd-unit-states minutes under TCG, and every real signal waited behind them).
 *       When it ends, one {@code ListUnits}: a unit in the same active and sub state keeps what servd knows, one in
 *       another (or new) is read, one no longer listed is gone</td></tr>
 *   <tr><td>a malformed answer (a property of an unexpected type or value)</td><td>that unit as before</td>
 *       <td>one log line naming the unit, the property and the value</td></tr>
 * </table>
 * The first listing is the baseline: it tells {@link UnitStateListener}s nothing (the ~170 units of a
 * Debian host did not all just start: an event for each flooded the event ring and the journal and cost
 * the agent its CPU right at start). A later re-list tells them only what differs from the last states known.
 */
public final class UnitStates implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UnitStates.class);

    /** The first reconnect waits this long; each failure doubles the wait up to {@link #MAX_RETRY}. */
    static final Duration FIRST_RETRY = Duration.ofMillis(250);
    /** A restarted bus or systemd is seen within this long; sd-bus clients such as systemctl give up sooner. */
    static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final Map<String, UnitState> known = new ConcurrentHashMap<>();
    private final List<UnitStateListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Optional<String> unavailable;

    // from here on: touched on servd-unit-states only
    private final Optional<SystemdUnitsBus.Bus> bus;
    private final Optional<ScheduledExecutorService> thread;
    private final AtomicBoolean started = new AtomicBoolean();
    private final Map<String, String> unitsByPath = new HashMap<>();
    private SystemdUnitsBus connection;
    private Duration retry = FIRST_RETRY;
    private boolean loggedUnavailable;
    private boolean listedOnce;
    private boolean reloading;
    /** Units UnitNew announced, read together by the {@link #readNew()} queued when the first came. */
    private final Set<String> announced = new LinkedHashSet<>();
    private boolean closed;

    private UnitStates(Optional<SystemdUnitsBus.Bus> bus, Optional<String> unavailable) {
        this.bus = bus;
        this.unavailable = unavailable;
        this.thread = bus.map(b -> Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "servd-unit-states");
            t.setDaemon(true);
            return t;
        }));
    }

    /**
     * The states of systemd on the system bus, not connected yet: unavailable ("not yet listed"), as
     * while any first listing runs, until {@link #start()} connects in the background. servd starts it
     * after {@code READY=1}: under TCG in the test-bed VM the connection and the first listing cost
     * seconds of CPU that delayed READY on a single CPU, and an answer before the first listing is the
     * same either way.
     */
    public static UnitStates systemBus() {
        return unstarted(SystemdUnitsBus.Bus.system());
    }

    /** Watches {@code org.freedesktop.systemd1} on the bus at {@code address}, e.g. {@code unix:path=/run/x}. */
    public static UnitStates watch(String address) {
        UnitStates states = unstarted(address);
        states.start();
        return states;
    }

    /** {@link #watch(String)} not started yet, as {@link #systemBus()} is (tests). */
    static UnitStates unstarted(String address) {
        return unstarted(SystemdUnitsBus.Bus.at(address));
    }

    private static UnitStates unstarted(SystemdUnitsBus.Bus bus) {
        return new UnitStates(Optional.of(bus), Optional.of("not yet listed from " + bus));
    }

    /**
     * Connects and lists in the background, on {@code servd-unit-states}; a no-op when already started,
     * and for states that watch no bus ({@link #unavailable}, {@link #fixed}).
     */
    public void start() {
        if (thread.isPresent() && started.compareAndSet(false, true)) {
            run(this::connect);
        }
    }

    /** No states, for the reason given (e.g. no systemd on this host): {@link #unavailabilityCause()} says it. */
    public static UnitStates unavailable(String cause) {
        return new UnitStates(Optional.empty(), Optional.of(Objects.requireNonNull(cause, "cause")));
    }

    /** These states, never changing (tests, tools). */
    public static UnitStates fixed(Collection<UnitState> states) {
        var fixed = new UnitStates(Optional.empty(), Optional.empty());
        states.forEach(s -> fixed.known.put(s.unit(), s));
        return fixed;
    }

    /** {@code unit}'s state now; empty when systemd has no such unit loaded or the states are unavailable. */
    public Optional<UnitState> get(String unit) {
        return unavailable.isPresent() ? Optional.empty() : Optional.ofNullable(known.get(unit));
    }

    /** Every unit's state now, by name; empty while unavailable. */
    public SortedMap<String, UnitState> all() {
        return unavailable.isPresent() ? new TreeMap<>() : new TreeMap<>(known);
    }

    /** Why there are no states now (bus unreachable, systemd gone, not yet listed); empty when they are current. */
    public Optional<String> unavailabilityCause() {
        return unavailable;
    }

    public boolean isAvailable() {
        return unavailable.isEmpty();
    }

    /** Adds a listener of every later change (none for states already known). */
    public void addListener(UnitStateListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Ends the watch and its connection. */
    @Override
    public void close() {
        thread.ifPresent(t -> {
            run(() -> {
                closed = true;
                dropConnection();
            });
            t.shutdown();
        });
    }

    /** Waits until servd-unit-states has handled everything queued before this call (tests). */
    void awaitQueued() throws InterruptedException, java.util.concurrent.ExecutionException {
        if (thread.isPresent()) {
            thread.get().submit(() -> { }).get();
        }
    }

    private void run(Runnable task) {
        try {
            thread.orElseThrow().execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("unit states closed; dropped a signal");
        }
    }

    // ---- on servd-unit-states ----

    private void connect() {
        if (closed) {
            return;
        }
        try {
            Signals signals = new Signals();
            signals.own = SystemdUnitsBus.open(bus.orElseThrow(), signals);
            connection = signals.own;
            relist();
        } catch (DBusException | RuntimeException e) {
            lose("cannot read units from " + bus.orElseThrow() + ": " + e.getMessage());
        }
    }

    private void scheduleReconnect() {
        if (closed) {
            return;
        }
        Duration wait = retry;
        retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
        thread.orElseThrow().schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void dropConnection() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    /**
     * Subscribes, lists every unit and reads its state, then tells listeners what differs from before;
     * the first listing tells them nothing (the class comment).
     */
    private void relist() {
        connection.subscribe();
        reloading = false;
        update(UnitStateReads.list(connection, Map.of()));
    }

    /** After a daemon-reload: the units listed once, only those whose state moved read again (the class comment). */
    private void reconcile() {
        try {
            update(UnitStateReads.list(connection, known));
        } catch (RuntimeException e) {
            lose("listing units on " + bus.orElseThrow() + " after a daemon-reload failed: " + e.getMessage());
        }
    }

    private void update(Map<String, UnitStateReads.Listed> listed) {
        unitsByPath.clear();
        listed.values().forEach(l -> unitsByPath.put(l.path(), l.state().unit()));
        Map<String, UnitState> before = new HashMap<>(known);
        known.keySet().retainAll(listed.keySet());
        listed.values().forEach(l -> known.put(l.state().unit(), l.state()));
        retry = FIRST_RETRY;
        becomeAvailable(listed.size());
        if (!listedOnce) {
            listedOnce = true;
            return;
        }
        for (var e : before.entrySet()) {
            if (!listed.containsKey(e.getKey())) {
                tell(e.getKey(), Optional.of(e.getValue()), Optional.empty());
            }
        }
        for (UnitStateReads.Listed l : listed.values()) {
            tell(l.state().unit(), Optional.ofNullable(before.get(l.state().unit())), Optional.of(l.state()));
        }
    }

    private void becomeAvailable(int units) {
        if (unavailable.isEmpty()) {
            log.debug("unit states listed again: [{}] units", units);
            return;
        }
        unavailable = Optional.empty();
        loggedUnavailable = false;
        log.info("unit states from systemd on {}: [{}] units, kept current by its signals", bus.orElseThrow(), units);
        listeners.forEach(l -> safely(() -> l.availabilityChanged(Optional.empty())));
    }

    private void becomeUnavailable(String cause) {
        boolean wasAvailable = unavailable.isEmpty();
        unavailable = Optional.of(cause);
        if (wasAvailable || !loggedUnavailable) {
            loggedUnavailable = true;
            log.warn("unit states unavailable: {}; servd reconnects (backoff up to [{} s]) or re-lists when systemd is back",
                    cause, MAX_RETRY.toSeconds());
        } else {
            log.debug("unit states still unavailable: {}", cause);
        }
        if (wasAvailable) {
            listeners.forEach(l -> safely(() -> l.availabilityChanged(Optional.of(cause))));
        }
    }

    private void tell(String unit, Optional<UnitState> before, Optional<UnitState> after) {
        if (before.equals(after)) {
            return;
        }
        listeners.forEach(l -> safely(() -> l.changed(unit, before, after)));
    }

    private static void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("a unit state listener failed: {}", e.toString(), e);
        }
    }

    /** The bus's signals, each handed to servd-unit-states; ones from a connection since dropped are ignored. */
    private final class Signals implements SystemdUnitsBus.Events {
        /** The connection these signals come from; set on servd-unit-states before any of them is handled there. */
        private SystemdUnitsBus own;

        private void onThread(Runnable task) {
            run(() -> {
                if (!closed && own != null && connection == own) {
                    task.run();
                }
            });
        }

        @Override
        public void unitNew(String unit, String path) {
            onThread(() -> added(unit, path));
        }

        @Override
        public void unitRemoved(String unit, String path) {
            onThread(() -> removed(unit, path));
        }

        @Override
        public void propertiesChanged(String path, String iface, Map<String, Variant<?>> changed, List<String> invalidated) {
            onThread(() -> UnitStates.this.changed(path, iface, changed, invalidated));
        }

        @Override
        public void reloading(boolean active) {
            onThread(() -> {
                reloading = active;
                if (!active && unavailable.isEmpty()) {
                    reconcile();
                }
            });
        }

        @Override
        public void systemdOwner(String newOwner) {
            onThread(() -> {
                if (newOwner.isEmpty()) {
                    becomeUnavailable("systemd left " + bus.orElseThrow());
                } else {
                    relistOrReconnect();
                }
            });
        }

        @Override
        public void disconnected(String cause) {
            onThread(() -> lose(cause));
        }
    }

    private void relistOrReconnect() {
        try {
            relist();
        } catch (RuntimeException e) {
            lose("listing units on " + bus.orElseThrow() + " failed: " + e.getMessage());
        }
    }

    /** The connection is no use any more: drop it, say why, and reconnect after the backoff. */
    private void lose(String cause) {
        dropConnection();
        becomeUnavailable(cause);
        scheduleReconnect();
    }

    /**
     * A unit systemd loaded: read with the others announced meanwhile, in one {@code ListUnits} queued behind
     * the signals already waiting (a unit unloaded again by then is not read: reading its path would load it
     * once more, see {@link UnitStateReads#listNew}).
     */
    private void added(String unit, String path) {
        if (unavailable.isPresent() || reloading) {
            return; // the re-list that ends either reads this unit too
        }
        unitsByPath.put(path, unit);
        if (announced.add(unit) && announced.size() == 1) {
            run(this::readNew);
        }
    }

    private void readNew() {
        Set<String> units = Set.copyOf(announced);
        announced.clear();
        if (units.isEmpty() || unavailable.isPresent() || connection == null) {
            return;
        }
        Map<String, UnitStateReads.Listed> listed;
        try {
            listed = UnitStateReads.listNew(connection, units);
        } catch (RuntimeException e) {
            lose("listing new units on " + bus.orElseThrow() + " failed: " + e.getMessage());
            return;
        }
        for (UnitStateReads.Listed l : listed.values()) {
            String unit = l.state().unit();
            unitsByPath.put(l.path(), unit);
            tell(unit, Optional.ofNullable(known.put(unit, l.state())), Optional.of(l.state()));
        }
    }

    private void removed(String unit, String path) {
        if (reloading) {
            return; // the reconcile after it says whether the unit is gone
        }
        announced.remove(unit);
        unitsByPath.remove(path);
        UnitState before = known.remove(unit);
        if (before != null && unavailable.isEmpty()) {
            tell(unit, Optional.of(before), Optional.empty());
        }
    }

    private void changed(String path, String iface, Map<String, Variant<?>> values, List<String> invalidated) {
        String unit = unitsByPath.get(path);
        UnitState before = unit == null ? null : known.get(unit);
        if (before == null || unavailable.isPresent()) {
            return; // not a unit we list (UnitNew reads it when it comes)
        }
        UnitState state = UnitStateReads.changed(connection, before, path, iface, values, invalidated);
        if (!state.equals(before)) {
            known.put(unit, state);
            tell(unit, Optional.of(before), Optional.of(state));
        }
    }
}
