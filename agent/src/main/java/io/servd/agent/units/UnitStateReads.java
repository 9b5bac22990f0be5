package io.servd.agent.units;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a {@link UnitState} is made from what systemd says: a {@code ListUnits} row plus the properties it
 * lacks, a new unit read whole, a {@code PropertiesChanged} applied (values as sent, invalidated ones
 * read again). A malformed value is logged naming the unit, property and value, and leaves the field as
 * it was; a failed read (the unit just went) is logged at DEBUG. Blocking: servd-unit-states only.
 */
final class UnitStateReads {
    private static final Logger log = LoggerFactory.getLogger(UnitStateReads.class);

    private UnitStateReads() {
    }

    /** A listed unit and its object path. */
    record Listed(UnitState state, String path) {
    }

    /**
     * {@code ListUnits}, each row completed with the properties it lacks; by unit name, in systemd's order. A row
     * in the active and sub state of its unit in {@code known} is that state, without a call: what a
     * daemon-reload leaves alone. An inactive unit is its row alone (no result, restarts or start time): the
     * ~100 idle units of a Debian host cost ~300 calls at each start, and systemd unloads an idle unit at will,
     * so that a Get of its path loads it again (see {@link #listNew}).
     */
    static Map<String, Listed> list(SystemdUnitsBus bus, Map<String, UnitState> known) {
        return list(bus, known, unit -> true);
    }

    /**
     * The {@code ListUnits} rows of {@code units} only (units {@code UnitNew} announced; one no longer listed
     * is gone again), completed like {@link #list}: an inactive or not-found unit is not read:
     * freshly loaded, it has systemd's defaults, and a {@code Properties.Get} on the path of a unit systemd
     * has meanwhile unloaded loads it again, which is another {@code UnitNew} (seen in the bookworm VM: 31 a
     * second for one not-found unit, for as long as servd ran).
     */
    static Map<String, Listed> listNew(SystemdUnitsBus bus, Set<String> units) {
        return list(bus, Map.of(), units::contains);
    }

    /** Rows of {@code which}; an inactive or not-found unit is not read (see {@link #listNew}). */
    private static Map<String, Listed> list(SystemdUnitsBus bus, Map<String, UnitState> known,
                                            Predicate<String> which) {
        Map<String, Listed> listed = new LinkedHashMap<>();
        for (SystemdManager.ListedUnit row : bus.listUnits()) {
            String unit = row.getName();
            if (!which.test(unit)) {
                continue;
            }
            Optional<ActiveState> active = ActiveState.parse(row.getActiveState());
            if (active.isEmpty()) {
                log.warn("unit [{}]: systemd lists active state [{}], which servd does not know; unit left out",
                        unit, row.getActiveState());
                continue;
            }
            String path = row.getPath().getPath();
            UnitState had = known.get(unit);
            if (had != null && had.activeState() == active.get() && had.subState().equals(row.getSubState())) {
                listed.put(unit, new Listed(had, path));
                continue;
            }
            UnitState state = UnitState.of(unit, active.get(), row.getSubState());
            boolean read = !"not-found".equals(row.getLoadState()) && active.get() != ActiveState.INACTIVE;
            for (StateProperty p : StateProperty.of(unit)) {
                if (read && p != StateProperty.ACTIVE_STATE && p != StateProperty.SUB_STATE) {
                    state = read(bus, state, path, p);
                }
            }
            listed.put(unit, new Listed(state, path));
        }
        return listed;
    }

    /** {@code before} with a {@code PropertiesChanged} of interface {@code iface} applied. */
    static UnitState changed(SystemdUnitsBus bus, UnitState before, String path, String iface,
                             Map<String, Variant<?>> values, List<String> invalidated) {
        String unit = before.unit();
        UnitState state = before;
        for (StateProperty p : StateProperty.of(unit)) {
            if (!p.carrier(unit).orElseThrow().equals(iface)) {
                continue;
            }
            if (values.containsKey(p.member())) {
                try {
                    state = p.apply(state, values.get(p.member()));
                } catch (IllegalArgumentException e) {
                    log.warn("unit [{}]: PropertiesChanged: {}; left as it was", unit, e.getMessage());
                }
            } else if (invalidated.contains(p.member())) {
                state = read(bus, state, path, p);
            }
        }
        return state;
    }

    /** {@code state} with property {@code p} read from the bus; as it was when the read fails or is malformed. */
    private static UnitState read(SystemdUnitsBus bus, UnitState state, String path, StateProperty p) {
        String iface = p.carrier(state.unit()).orElseThrow();
        try {
            return p.apply(state, bus.get(path, iface, p.member()));
        } catch (IllegalArgumentException e) {
            log.warn("unit [{}]: {}; left as it was", state.unit(), e.getMessage());
        } catch (DBusException | DBusExecutionException e) {
            log.debug("unit [{}]: reading [{}.{}] failed: {}", state.unit(), iface, p.member(), e.getMessage());
        }
        return state;
    }
}
