package io.servd.servctl.top;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * systemd-cgtop's keys, as a pure function from a key and the current {@link TopView} to what to do next,
 * so the live view's loop holds no key logic and tests need no terminal. cgtop prints its messages and
 * sleeps a second (three for help); the live view shows them in its status line until the next refresh.
 */
final class TopKeys {

    /** Ctrl-C as a raw terminal delivers it. */
    static final int CTRL_C = 3;
    /** End of input: the terminal went away. */
    static final int EOF = -1;
    /** Escape, which leaves the drill-down. */
    static final int ESC = 27;

    static final String HELP = "p path  t tasks  c cpu  m memory  i io  s pressure  % cpu time/percent"
            + "  + - delay  P userspace procs  k all procs  r recursive  d/Enter processes of the first unit  space refresh"
            + "  q quit";

    private TopKeys() {
    }

    /** What the live view does after a key. */
    enum Action {
        /** Nothing to redraw (a message, if any, shows at the next redraw). */
        NONE,
        /** Redraw the last rows with the new view (order, CPU column). */
        REDRAW,
        /** Read and draw now instead of waiting for the delay. */
        REFRESH,
        /** Open the drill-down into the first row's processes (keys {@code d}, Enter). */
        DRILL,
        QUIT
    }

    /**
     * @param view    the view from now on
     * @param action  what to do
     * @param message a line for the status bar, as cgtop prints it
     */
    record Outcome(TopView view, Action action, Optional<String> message) {
        Outcome {
            Objects.requireNonNull(view, "view");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(message, "message");
        }
    }

    static Outcome handle(int key, TopView view) {
        Optional<SortOrder> order = SortOrder.forKey(key);
        if (order.isPresent()) {
            return new Outcome(view.withOrder(order.get()), Action.REDRAW, Optional.empty());
        }
        return switch (key) {
            case 'q', CTRL_C, EOF -> new Outcome(view, Action.QUIT, Optional.empty());
            case ' ' -> new Outcome(view, Action.REFRESH, Optional.empty());
            case 'd', '\r', '\n' -> new Outcome(view, Action.DRILL, Optional.empty());
            case '%' -> new Outcome(view.withCpu(view.cpu().toggled()), Action.REDRAW, Optional.empty());
            case 'k' -> counting(view, TopView.Counting.ALL_PROCESSES);
            case 'P' -> counting(view, TopView.Counting.USERSPACE_PROCESSES);
            case 'r' -> view.counting() == TopView.Counting.TASKS
                    ? say(view, "Cannot toggle recursive counting, not available in task counting mode.")
                    : changed(view.withRecursive(!view.recursive()),
                            "Recursive process counting: " + (view.recursive() ? "no" : "yes"));
            case '+' -> {
                TopView v = view.slower();
                yield say(v, "Increased delay to " + v.formatDelay() + ".");
            }
            case '-' -> {
                TopView v = view.faster();
                yield say(v, "Decreased delay to " + v.formatDelay() + ".");
            }
            case 'h', '?' -> say(view, HELP);
            default -> say(view, key < ' '
                    ? String.format(Locale.ROOT, "Unknown key '\\x%x'. Ignoring.", key)
                    : "Unknown key '" + new String(Character.toChars(key)) + "'. Ignoring.");
        };
    }

    /** Counting changes at the next refresh, which reads the processes: refresh now. */
    private static Outcome counting(TopView view, TopView.Counting to) {
        TopView v = view.withCounting(view.counting().toggle(to));
        return changed(v, "Counting: " + v.counting().description() + ".");
    }

    private static Outcome changed(TopView view, String message) {
        return new Outcome(view, Action.REFRESH, Optional.of(message));
    }

    private static Outcome say(TopView view, String message) {
        return new Outcome(view, Action.REDRAW, Optional.of(message));
    }
}
