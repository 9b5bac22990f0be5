package io.servd.agent.units;

import java.util.Optional;

/**
 * Told of every change {@link UnitStates} sees, in the order systemd sent them, on the one thread that
 * keeps the states ({@code servd-unit-states}): a listener must not block (hand slow work to its own
 * executor). An exception it throws is logged and does not stop the others.
 */
@FunctionalInterface
public interface UnitStateListener {

    /**
     * {@code unit} changed: {@code before} empty when it appeared (loaded, or first seen after a
     * reconnect), {@code after} empty when systemd unloaded it. Never called with both equal, nor for
     * the units of the first listing: those are where the states start, not changes.
     */
    void changed(String unit, Optional<UnitState> before, Optional<UnitState> after);

    /**
     * The states became unavailable ({@code cause} says why, e.g. the bus connection dropped) or
     * available again (empty). While unavailable no {@link #changed} comes; after it, one per unit that
     * differs from what was last known.
     */
    default void availabilityChanged(Optional<String> cause) {
    }
}
