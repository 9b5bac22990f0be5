package io.servd.servctl.top;

import io.servd.cgroup.CgroupMounts;
import io.servd.servctl.cli.ExitCodes;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The full-screen loop of {@code servctl top}: refresh every delay, read keys in between and act on them
 * as systemd-cgtop does ({@link TopKeys}). The terminal is behind two small interfaces, so tests drive the
 * loop with scripted keys and a clock they move ({@link JLineTerminal} is the real one).
 */
final class LiveView {

    /** The first screen comes after this short interval instead of a full delay, so rates have two readings. */
    static final Duration FIRST_INTERVAL = Duration.ofMillis(250);

    /** Where keys come from. */
    interface Keys {
        /** What {@link #read} returns when no key came in time. */
        int TIMEOUT = -2;

        /** The next key, waiting at most {@code timeoutMillis}; {@link TopKeys#EOF} at end of input. */
        int read(long timeoutMillis) throws IOException;
    }

    /** Where screens go. */
    interface Screen {
        /** Columns and rows; zero or less when unknown (80×24 then). */
        int columns();

        int rows();

        /** Shows {@code lines} from the top and {@code status} on the last row. */
        void draw(List<String> lines, String status);
    }

    /** The footer when there is no message: the keys. */
    static final String FOOTER = "keys: p path  t tasks  c cpu  m memory  i io  s pressure  % time  + - delay"
            + "  P k r counting  d processes  space refresh  h help  q quit";
    /** The footer of the drill-down. */
    static final String PROCESSES_FOOTER = "keys: q Esc d back  + - delay  space refresh";

    private final TopReader reader;
    private final CgroupMounts mounts;
    private final long iterations;
    private final Screen screen;
    private final Keys keys;
    private final LongSupplier nanoTime;
    private TopView view;
    /** The cgroup whose processes are shown instead of the cgroups, and its last reading. */
    private Optional<String> drilled = Optional.empty();
    private Optional<UnitProcesses.Reading> lastProcesses = Optional.empty();

    /** @param iterations refreshes before it ends by itself; 0 runs until {@code q}, as cgtop's {@code -n 0} */
    LiveView(TopReader reader, TopView view, long iterations, Screen screen, Keys keys, LongSupplier nanoTime) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.mounts = reader.sampler().mounts();
        this.view = Objects.requireNonNull(view, "view");
        this.iterations = iterations;
        this.screen = Objects.requireNonNull(screen, "screen");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** The view as keys left it. */
    TopView view() {
        return view;
    }

    private UnitStates states = new UnitStates(Optional.empty());

    /** Shows the agent's unit states from {@code s}, asked once per refresh and never waited for. */
    LiveView withStates(UnitStates s) {
        states = Objects.requireNonNull(s, "s");
        return this;
    }

    /** Opens the drill-down into {@code group} from the start ({@code --processes}). */
    void drillInto(String group) {
        drilled = Optional.of(group);
    }

    /**
     * The row the drill-down opens: the first one shown that has no cgroup shown below it (in the default
     * CPU order the busiest unit, not its slice), else the first one.
     */
    static Optional<String> drillTarget(TopReader.Frame frame) {
        List<String> groups = frame.rows().stream().map(TopRow::group).toList();
        return groups.stream().filter(g -> groups.stream().noneMatch(o -> CgroupPath.ancestors(o).contains(g)))
                .findFirst().or(() -> groups.stream().findFirst());
    }

    /** Runs until {@code q}, Ctrl-C, end of input or the iteration count; returns the exit code. */
    int run() throws IOException {
        states.refresh();
        TopReader.Reading previous = reader.read(view);
        long lastRefresh = nanoTime.getAsLong();
        Optional<TopReader.Frame> frame = Optional.empty();
        Optional<String> message = Optional.empty();
        long refreshes = 0;
        while (true) {
            // the wait counts from the last refresh, so + and - apply to the wait under way, as in cgtop
            Duration wait = frame.isEmpty() ? FIRST_INTERVAL : view.delay();
            // elapsed time against the delay, not a deadline: nanoTime() plus -d 250y would overflow
            long leftNanos = TimeUnit.NANOSECONDS.convert(wait) - (nanoTime.getAsLong() - lastRefresh);
            if (leftNanos > 0) {
                int key = keys.read(leftNanos / 1_000_000 + (leftNanos % 1_000_000 == 0 ? 0 : 1)); // rounded up
                if (key == Keys.TIMEOUT) {
                    continue;
                }
                if (drilled.isPresent() && (key == 'q' || key == TopKeys.ESC || key == 'd')) {
                    drilled = Optional.empty(); // back to the cgroups
                    lastProcesses = Optional.empty();
                    if (frame.isPresent()) {
                        draw(frame.get(), message);
                    }
                    continue;
                }
                TopKeys.Outcome o = TopKeys.handle(key, view);
                view = o.view();
                if (o.message().isPresent()) {
                    message = o.message();
                }
                switch (o.action()) {
                    case QUIT:
                        return ExitCodes.OK;
                    case REFRESH:
                        break; // read now
                    case DRILL:
                        if (frame.isEmpty() || drilled.isPresent()) {
                            continue;
                        }
                        drilled = drillTarget(frame.get());
                        break; // read now: the first process screen comes after a short interval
                    case REDRAW:
                        if (frame.isPresent()) {
                            frame = Optional.of(TopReader.resort(frame.get(), view));
                            draw(frame.get(), message);
                        }
                        continue;
                    default:
                        continue;
                }
            }
            TopReader.Reading current = reader.read(view);
            lastRefresh = nanoTime.getAsLong();
            frame = Optional.of(TopReader.frame(previous, current, view).withStates(states.latest(Duration.ZERO)));
            states.refresh();
            if (message.isEmpty()) {
                message = states.takeNotice(); // why State shows -, once, until the next refresh
            }
            if (drilled.isPresent()) {
                UnitProcesses.Reading now = reader.unitProcesses().read(drilled.get());
                if (lastProcesses.isEmpty()) { // first reading: the rates need a second one soon
                    lastProcesses = Optional.of(now);
                    previous = current;
                    lastRefresh -= TimeUnit.NANOSECONDS.convert(view.delay().minus(FIRST_INTERVAL).isNegative()
                            ? Duration.ZERO : view.delay().minus(FIRST_INTERVAL));
                    continue;
                }
                drawProcesses(lastProcesses.get(), now, message);
                lastProcesses = Optional.of(now);
            } else {
                draw(frame.get(), message);
            }
            message = Optional.empty(); // a message stays until the refresh after its key
            previous = current;
            refreshes++;
            if (iterations > 0 && refreshes >= iterations) {
                return ExitCodes.OK;
            }
        }
    }

    private void drawProcesses(UnitProcesses.Reading earlier, UnitProcesses.Reading later, Optional<String> message) {
        int width = screen.columns() > 0 ? screen.columns() : 80;
        int height = screen.rows() > 0 ? screen.rows() : 24;
        List<String> lines = ProcessesTable.format(later.group(), UnitProcesses.between(earlier, later),
                (later.nanoTime() - earlier.nanoTime()) / 1e9, view.raw(), width, Math.max(0, height - 3));
        screen.draw(lines, message.orElse(PROCESSES_FOOTER));
    }

    private void draw(TopReader.Frame frame, Optional<String> message) {
        int width = screen.columns() > 0 ? screen.columns() : 80;
        int height = screen.rows() > 0 ? screen.rows() : 24;
        List<String> lines = TopTable.format(frame, mounts, view, width, Math.max(0, height - 4));
        screen.draw(lines.subList(0, Math.min(lines.size(), Math.max(0, height - 1))), message.orElse(FOOTER));
    }
}
