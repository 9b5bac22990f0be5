package io.servd.agent.units;

import java.util.Optional;

/**
 * A unit's {@code ActiveState} as systemd names it (systemd's {@code unit_active_state_table},
 * {@code org.freedesktop.systemd1(5)}): the unit-type-independent half of its state; {@code SubState}
 * is the type's own word for it. {@code maintenance} (systemd 250+) and {@code refreshing} (257+) are
 * newer and rarer.
 */
public enum ActiveState {
    ACTIVE("active"),
    RELOADING("reloading"),
    INACTIVE("inactive"),
    FAILED("failed"),
    ACTIVATING("activating"),
    DEACTIVATING("deactivating"),
    MAINTENANCE("maintenance"),
    REFRESHING("refreshing");

    private final String wire;

    ActiveState(String wire) {
        this.wire = wire;
    }

    /** The name as systemd sends and {@code systemctl show} prints it, e.g. {@code failed}. */
    public String wire() {
        return wire;
    }

    /** The state systemd calls {@code wire}; empty for a word this servd does not know (a newer systemd). */
    public static Optional<ActiveState> parse(String wire) {
        for (ActiveState s : values()) {
            if (s.wire.equals(wire)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wire;
    }
}
