package io.servd.servctl.top;

import com.fasterxml.jackson.databind.JsonNode;
import io.servd.servctl.cli.ServctlException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * systemd's unit states for {@code servctl top}'s State column, asked of the agent
 * ({@code GET /v1/units?fields=state}, for which the agent reads no cgroup file)
 * off the rendering path: {@link #refresh()} starts one request on a daemon thread unless one is under
 * way, and {@link #latest} hands out the last answer, waiting for the first at most as long as it is told.
 * top reads cgroupfs itself and works without an agent: then every state is unknown ({@code -}), and
 * {@link #takeNotice()} says why once.
 */
final class UnitStates implements AutoCloseable {

    /** The agent's {@code /v1/units?fields=state}: one request; a {@link ServctlException} when there is no answer. */
    @FunctionalInterface
    interface Source {
        JsonNode units() throws ServctlException;
    }

    /**
     * systemd's word for a unit.
     *
     * @param unit        the unit name
     * @param activeState {@code ActiveState}: active, failed, activating…
     * @param subState    {@code SubState}, empty when the agent sent none
     */
    record State(String unit, String activeState, Optional<String> subState) {
        State {
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(activeState, "activeState");
            Objects.requireNonNull(subState, "subState");
        }
    }

    /**
     * One answer.
     *
     * @param byCgroup    the states of units with a cgroup, by cgroup path
     * @param withoutCgroup units without a cgroup in a state other than inactive (a failed unit), as
     *                    {@code servctl units} lists them, by name
     */
    record Snapshot(Map<String, State> byCgroup, List<State> withoutCgroup) {
        static final Snapshot NONE = new Snapshot(Map.of(), List.of());

        Snapshot {
            byCgroup = Map.copyOf(byCgroup);
            withoutCgroup = List.copyOf(withoutCgroup);
        }

        /** The State cell of a cgroup: its unit's {@code ActiveState}, {@code -} when unknown. */
        String activeStateOf(String group) {
            State s = byCgroup.get(group);
            return s == null ? "-" : s.activeState();
        }
    }

    private final Optional<Source> source;
    private final ExecutorService thread;
    private Future<Snapshot> inFlight;
    private Snapshot last = Snapshot.NONE;
    private boolean answered;
    private Optional<String> notice = Optional.empty();
    private boolean noticed;

    /** @param source empty: no agent is asked (every state unknown, and no notice) */
    UnitStates(Optional<Source> source) {
        this.source = Objects.requireNonNull(source, "source");
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "servctl-top-states");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts one request unless one is under way. */
    synchronized void refresh() {
        if (source.isEmpty() || (inFlight != null && !inFlight.isDone())) {
            return;
        }
        collect();
        Source s = source.get();
        inFlight = thread.submit(() -> parse(s.units()));
    }

    /**
     * The last answer; while none has come, waits for the request under way at most {@code firstWait}
     * (zero in the live view, which redraws when the next refresh comes).
     */
    synchronized Snapshot latest(Duration firstWait) {
        if (!answered && inFlight != null && !firstWait.isZero()) {
            try {
                inFlight.get(firstWait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                note("no answer from the servd agent within " + firstWait.toMillis() + " ms yet");
            } catch (Exception e) {
                // collected below
            }
        }
        collect();
        return last;
    }

    /** Why the states are unknown, once: empty after the first call, and while they are known. */
    synchronized Optional<String> takeNotice() {
        if (noticed || notice.isEmpty()) {
            return Optional.empty();
        }
        noticed = true;
        return notice.map(n -> "State unknown: " + n + "; top reads cgroupfs itself and goes on without the agent");
    }

    private void collect() {
        if (inFlight == null || !inFlight.isDone()) {
            return;
        }
        try {
            last = inFlight.get();
            answered = true;
            notice = Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            note(e.getCause() instanceof ServctlException s ? s.getMessage() : String.valueOf(e.getCause()));
        } catch (InterruptedException | java.util.concurrent.CancellationException e) {
            Thread.currentThread().interrupt();
        }
        inFlight = null;
    }

    private void note(String why) {
        if (!answered && notice.isEmpty()) {
            notice = Optional.of(why);
        }
    }

    /** The states of an answer; units without {@code activeState} (no systemd behind the agent) are unknown. */
    static Snapshot parse(JsonNode answer) {
        Map<String, State> byCgroup = new LinkedHashMap<>();
        List<State> without = new ArrayList<>();
        for (JsonNode u : answer.path("units")) {
            if (!u.path("activeState").isTextual() || !u.path("unit").isTextual()) {
                continue;
            }
            State s = new State(u.get("unit").asText(), u.get("activeState").asText(),
                    u.path("subState").isTextual() ? Optional.of(u.get("subState").asText()) : Optional.empty());
            if (u.path("cgroup").isTextual()) {
                byCgroup.put(u.get("cgroup").asText(), s);
            } else if (!s.activeState().equals("inactive")) {
                without.add(s);
            }
        }
        return new Snapshot(byCgroup, without);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
