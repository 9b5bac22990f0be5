package io.servd.agent.history;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the history routes read: the store and the interval it is recorded at, or why there is none
 * (no {@code StateDirectory=} and no {@code [History] Directory=}, or the directory could not be
 * opened). Not recording is a normal state of a dev run, answered 503 by the routes.
 */
public final class History {
    private final Optional<HistoryStore> store;
    private final Duration interval;
    private final Optional<String> unavailabilityCause;

    private History(Optional<HistoryStore> store, Duration interval, Optional<String> cause) {
        this.store = store;
        this.interval = Objects.requireNonNull(interval, "interval");
        this.unavailabilityCause = cause;
    }

    /** Reading {@code store}, recorded every {@code interval}. */
    public static History of(HistoryStore store, Duration interval) {
        return new History(Optional.of(Objects.requireNonNull(store, "store")), interval, Optional.empty());
    }

    /** No history, because of {@code cause} (said in the 503's detail). */
    public static History unavailable(String cause) {
        return new History(Optional.empty(), Duration.ofSeconds(5), Optional.of(Objects.requireNonNull(cause, "cause")));
    }

    public boolean isAvailable() {
        return store.isPresent();
    }

    public Optional<String> unavailabilityCause() {
        return unavailabilityCause;
    }

    /** The store; empty when {@link #isAvailable()} is false. */
    public Optional<HistoryStore> store() {
        return store;
    }

    /** The recording interval: the default step, and the bound on samples per answer. */
    public Duration interval() {
        return interval;
    }
}
