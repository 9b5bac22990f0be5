package io.servd.servctl.top;

import com.fasterxml.jackson.databind.JsonNode;
import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.Json;
import io.servd.servctl.cli.ServctlException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code servctl top --replay TIME}: the top view at a past moment, from the agent's history
 * ({@code GET /v1/history?at=}). A screen is two recorded ticks a step apart (rates need two readings,
 * as a live refresh does): the last tick at or before the moment, and the last one a step before that.
 * {@code [} or ← goes a step back, {@code ]} or → a step forward; the order keys, {@code %} and
 * {@code q} work as live. Without a terminal it prints the moment, then {@code -n} − 1 steps forward.
 */
final class ReplayView {
    /** {@code GET /v1/history?at=TIME} through the agent; failures carry servctl's exit code. */
    @FunctionalInterface
    interface History {
        JsonNode at(Instant at) throws ServctlException;
    }

    /** What keys move by: [ ] and the arrows' escape sequences. */
    static final String FOOTER = "keys: [ or \u2190 a step back  ] or \u2192 a step forward  p t c m i s order  % time  q quit";
    private static final long ESCAPE_WAIT_MILLIS = 50;

    /** One screen: the tick shown and its rows. */
    record Shown(Instant time, TopReader.Frame frame) {
    }

    private final History history;
    private final Duration step;
    private TopView view;

    ReplayView(History history, TopView view, Duration step) {
        this.history = Objects.requireNonNull(history, "history");
        this.view = Objects.requireNonNull(view, "view");
        this.step = Objects.requireNonNull(step, "step");
    }

    /** The screen at {@code at}: the tick at or before it, against the tick a step before that. */
    Shown read(Instant at) throws ServctlException {
        HistoryFrame later = frame(at);
        HistoryFrame earlier;
        try {
            earlier = frame(later.time().minus(step));
        } catch (ServctlException e) { // 404 before the first tick
            throw new ServctlException(e.exitCode(), "no sample before [" + later.time() + "] to compute rates from: "
                    + e.getMessage(), e);
        }
        if (!earlier.time().isBefore(later.time())) {
            throw new ServctlException(ExitCodes.FAILURE, "no sample before [" + later.time()
                    + "] to compute rates from: the history starts there");
        }
        var rows = TopRows.between(earlier.snapshots(), later.snapshots());
        var frame = new TopReader.Frame(view.order().sort(rows, view), Duration.between(earlier.time(), later.time()),
                TopView.Counting.TASKS, later.states());
        return new Shown(later.time(), frame);
    }

    private HistoryFrame frame(Instant at) throws ServctlException {
        JsonNode answer = history.at(at);
        try {
            return HistoryFrame.parse(answer);
        } catch (RuntimeException e) {
            throw new ServctlException(ExitCodes.FAILURE, "the agent's history answer is not one: " + e.getMessage(), e);
        }
    }

    /** Batch: {@code iterations} screens from {@code at}, a step apart (text, or one JSON object a line). */
    void print(Instant at, long iterations, PrintWriter out, boolean json, int width) throws ServctlException {
        Instant next = at;
        for (long i = 0; i < Math.max(1, iterations); i++) {
            Shown s = read(next);
            if (json) {
                var m = new java.util.LinkedHashMap<String, Object>();
                m.put("time", s.time().toString());
                m.putAll(TopJson.rows(s.frame(), view));
                out.println(Json.formatCompact(m));
            } else {
                if (i > 0) {
                    out.println();
                }
                TopTable.format(s.frame(), source(s), view, width, Integer.MAX_VALUE).forEach(out::println);
            }
            out.flush();
            next = s.time().plus(step);
        }
    }

    /** The full-screen loop; returns the exit code. */
    int run(Instant at, LiveView.Screen screen, LiveView.Keys keys) throws IOException, ServctlException {
        Shown shown = read(at);
        Optional<String> message = Optional.empty();
        while (true) {
            draw(screen, shown, message);
            message = Optional.empty();
            int key = keys.read(Long.MAX_VALUE / 2);
            if (key == TopKeys.ESC) { // an arrow is ESC [ C (→) or ESC [ D (←)
                key = keys.read(ESCAPE_WAIT_MILLIS) == '[' ? switch (keys.read(ESCAPE_WAIT_MILLIS)) {
                    case 'D' -> '[';
                    case 'C' -> ']';
                    default -> LiveView.Keys.TIMEOUT;
                } : 'q';
            }
            if (key == '[' || key == ']') {
                Instant target = key == '[' ? shown.time().minus(step) : shown.time().plus(step);
                try {
                    Shown next = read(target);
                    message = next.time().equals(shown.time()) ? Optional.of("No later sample than " + shown.time() + ".")
                            : Optional.empty();
                    shown = next;
                } catch (ServctlException e) {
                    message = Optional.of(e.getMessage());
                }
                continue;
            }
            if (key == LiveView.Keys.TIMEOUT) {
                continue;
            }
            TopKeys.Outcome o = TopKeys.handle(key, view);
            if (o.action() == TopKeys.Action.QUIT) {
                return ExitCodes.OK;
            }
            if (o.action() == TopKeys.Action.REDRAW) {
                view = o.view();
                shown = new Shown(shown.time(), TopReader.resort(shown.frame(), view));
                message = o.message();
            } else {
                message = Optional.of("Not in a replay: " + (o.action() == TopKeys.Action.DRILL ? "processes are not recorded."
                        : "the counting and refreshes are the live view's."));
            }
        }
    }

    private void draw(LiveView.Screen screen, Shown shown, Optional<String> message) {
        int width = screen.columns() > 0 ? screen.columns() : 80;
        int height = screen.rows() > 0 ? screen.rows() : 24;
        List<String> lines = TopTable.format(shown.frame(), source(shown), view, width, Math.max(0, height - 4));
        screen.draw(lines.subList(0, Math.min(lines.size(), Math.max(0, height - 1))), message.orElse(FOOTER));
    }

    private String source(Shown s) {
        return "Replay of " + s.time() + " from the agent's history (rates over the " + s.frame().interval().toSeconds()
                + " s before it)";
    }
}
