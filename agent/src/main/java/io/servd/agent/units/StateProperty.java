package io.servd.agent.units;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;

/**
 * The D-Bus properties a {@link UnitState} is made of, each with the interface that carries it and its
 * wire type ({@code org.freedesktop.systemd1(5)}), and how its value becomes the state's field. Values
 * of another type than documented are refused with the value named, never cast.
 */
enum StateProperty {
    /** {@code s}, one of {@link ActiveState}. */
    ACTIVE_STATE("ActiveState", Carrier.UNIT) {
        @Override
        UnitState apply(UnitState state, Object value) {
            String word = string(value);
            return state.withActiveState(ActiveState.parse(word)
                    .orElseThrow(() -> refused(value, "an active state servd knows")));
        }
    },
    /** {@code s}. */
    SUB_STATE("SubState", Carrier.UNIT) {
        @Override
        UnitState apply(UnitState state, Object value) {
            return state.withSubState(string(value));
        }
    },
    /** {@code t}: µs since the epoch; 0 = never. */
    ACTIVE_ENTER_TIMESTAMP("ActiveEnterTimestamp", Carrier.UNIT) {
        @Override
        UnitState apply(UnitState state, Object value) {
            if (!(unwrap(value) instanceof UInt64 t)) {
                throw refused(value, "a uint64");
            }
            long micros = t.longValue();
            if (micros < 0) { // beyond 2^63 µs: not a time systemd can mean
                throw refused(value, "a time in µs since the epoch");
            }
            return state.withActiveEnter(micros == 0 ? Optional.empty()
                    : Optional.of(Instant.ofEpochSecond(micros / 1_000_000L, (micros % 1_000_000L) * 1000L)));
        }
    },
    /** {@code s} on the type's interface (Service, Socket, Mount, …). */
    RESULT("Result", Carrier.TYPE) {
        @Override
        UnitState apply(UnitState state, Object value) {
            return state.withResult(Optional.of(string(value)));
        }
    },
    /** {@code u} on Service. */
    N_RESTARTS("NRestarts", Carrier.SERVICE) {
        @Override
        UnitState apply(UnitState state, Object value) {
            return state.withNRestarts(OptionalLong.of(uint32(value)));
        }
    },
    /** {@code u} on Service; 0 = no main process. */
    MAIN_PID("MainPID", Carrier.SERVICE) {
        @Override
        UnitState apply(UnitState state, Object value) {
            long pid = uint32(value);
            return state.withMainPid(pid == 0 ? OptionalLong.empty() : OptionalLong.of(pid));
        }
    };

    static final String UNIT_INTERFACE = "org.freedesktop.systemd1.Unit";
    /** Unit types whose interface has a {@code Result} property. */
    private static final Set<String> TYPES_WITH_RESULT = Set.of("service", "socket", "mount", "swap", "timer", "path",
            "automount", "scope");

    private enum Carrier { UNIT, TYPE, SERVICE }

    private final String member;
    private final Carrier carrier;

    StateProperty(String member, Carrier carrier) {
        this.member = member;
        this.carrier = carrier;
    }

    /** The property's D-Bus name, e.g. {@code NRestarts}. */
    String member() {
        return member;
    }

    /**
     * The state with this property's {@code value} (as the bus delivered it, a {@link Variant} or not).
     *
     * @throws IllegalArgumentException naming the property and the raw value when it is not what systemd documents
     */
    abstract UnitState apply(UnitState state, Object value);

    /** The interface that carries this property on {@code unit}'s object; empty when its type has none. */
    Optional<String> carrier(String unit) {
        String type = type(unit);
        return switch (carrier) {
            case UNIT -> Optional.of(UNIT_INTERFACE);
            case TYPE -> TYPES_WITH_RESULT.contains(type) ? Optional.of(typeInterface(type)) : Optional.empty();
            case SERVICE -> type.equals("service") ? Optional.of(typeInterface(type)) : Optional.empty();
        };
    }

    /** The properties {@code unit}'s object has, in declaration order. */
    static List<StateProperty> of(String unit) {
        return java.util.Arrays.stream(values()).filter(p -> p.carrier(unit).isPresent()).toList();
    }

    /** The type interface of {@code unit}, e.g. {@code org.freedesktop.systemd1.Service} for {@code foo.service}. */
    static String typeInterface(String type) {
        return "org.freedesktop.systemd1." + type.substring(0, 1).toUpperCase(Locale.ROOT) + type.substring(1);
    }

    private static String type(String unit) {
        int dot = unit.lastIndexOf('.');
        return dot < 0 || dot == unit.length() - 1 ? "" : unit.substring(dot + 1);
    }

    static Object unwrap(Object value) {
        return value instanceof Variant<?> v ? v.getValue() : value;
    }

    IllegalArgumentException refused(Object value, String expected) {
        Object raw = unwrap(value);
        return new IllegalArgumentException("property [" + member + "] is [" + raw + "]"
                + (raw == null ? "" : " (" + raw.getClass().getSimpleName() + ")") + ", not " + expected);
    }

    String string(Object value) {
        if (!(unwrap(value) instanceof String s)) {
            throw refused(value, "a string");
        }
        return s;
    }

    long uint32(Object value) {
        if (!(unwrap(value) instanceof UInt32 u)) {
            throw refused(value, "a uint32");
        }
        return u.longValue();
    }
}
