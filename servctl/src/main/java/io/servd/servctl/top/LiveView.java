package io.servd.servctl.top;

import io.servd.cgroup.CgroupSnapshot;
import io.servd.servctl.cli.ExitCodes;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

/**
 * The full-screen view of {@code servctl top} on a JLine terminal: raw mode, the alternate screen,
 * one redraw per refresh (JLine's {@link Display} sends only changed lines), keys read between refreshes.
 * The terminal is restored on every exit path, including Ctrl-C.
 */
final class LiveView {

    /** The first screen comes after this short interval instead of a full delay, as systemd-cgtop does. */
    private static final Duration FIRST_INTERVAL = Duration.ofMillis(250);
    private static final int KEY_QUIT = 'q';
    private static final int KEY_CTRL_C = 3;
    private static final int KEY_REFRESH = ' ';

    private final TopSampler sampler;
    private final Duration delay;
    private final OptionalLong iterations;
    private SortOrder order;
    private volatile boolean interrupted;

    LiveView(TopSampler sampler, SortOrder order, Duration delay, OptionalLong iterations) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.order = Objects.requireNonNull(order, "order");
        this.delay = Objects.requireNonNull(delay, "delay");
        this.iterations = Objects.requireNonNull(iterations, "iterations");
    }

    /** Runs until {@code q}, Ctrl-C or the iteration count; returns the exit code. */
    int run() throws IOException, InterruptedException {
        try (Terminal terminal = TerminalBuilder.builder().system(true).jna(false).build()) {
            terminal.handle(Terminal.Signal.INT, s -> interrupted = true);
            Attributes saved = terminal.enterRawMode();
            terminal.puts(Capability.enter_ca_mode);
            terminal.puts(Capability.cursor_invisible);
            terminal.flush();
            try {
                loop(terminal);
            } finally {
                terminal.puts(Capability.cursor_visible);
                terminal.puts(Capability.exit_ca_mode);
                terminal.setAttributes(saved);
                terminal.flush();
            }
        }
        return ExitCodes.OK;
    }

    private void loop(Terminal terminal) throws IOException, InterruptedException {
        NonBlockingReader keys = terminal.reader();
        Display display = new Display(terminal, true);
        Map<String, CgroupSnapshot> previous = sampler.read();
        Duration wait = FIRST_INTERVAL;
        List<TopRow> rows = List.of();
        Duration interval = Duration.ZERO;
        for (long i = 0; iterations.isEmpty() || i < iterations.getAsLong(); i++) {
            long until = System.nanoTime() + wait.toNanos();
            while (!interrupted) {
                long left = (until - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                int key = keys.read(left);
                if (key == KEY_QUIT || key == KEY_CTRL_C || key == NonBlockingReader.EOF) {
                    return;
                }
                if (key == KEY_REFRESH) {
                    break;
                }
                Optional<SortOrder> chosen = SortOrder.forKey(key);
                if (chosen.isPresent()) {
                    order = chosen.get();
                    if (i > 0) {
                        draw(terminal, display, TopCommand.sorted(rows, order), interval); // re-sort at once
                    }
                }
            }
            if (interrupted) {
                return;
            }
            Map<String, CgroupSnapshot> current = sampler.read();
            rows = TopRows.between(previous, current);
            interval = TopCommand.interval(previous, current);
            draw(terminal, display, TopCommand.sorted(rows, order), interval);
            previous = current;
            wait = delay;
        }
    }

    private void draw(Terminal terminal, Display display, List<TopRow> rows, Duration interval) {
        Size size = terminal.getSize();
        int width = size.getColumns() > 0 ? size.getColumns() : 80;
        int height = size.getRows() > 0 ? size.getRows() : 24;
        display.resize(height, width);
        List<String> lines = TopTable.format(rows, sampler.mounts(), order, interval, width, Math.max(0, height - 4));
        List<AttributedString> screen = new ArrayList<>(height);
        for (int i = 0; i < lines.size() && i < height - 1; i++) {
            AttributedStyle style = i == 0 ? AttributedStyle.BOLD : i == 2 ? AttributedStyle.INVERSE : AttributedStyle.DEFAULT;
            String line = i == 2 ? padTo(lines.get(i), width) : lines.get(i);
            screen.add(new AttributedString(line, style));
        }
        screen.add(new AttributedString("keys: c cpu  m memory  t tasks  i io  p pressure  space refresh  q quit",
                AttributedStyle.DEFAULT.faint()));
        while (screen.size() < height) {
            screen.add(screen.size() - 1, AttributedString.EMPTY);
        }
        display.update(screen, 0);
        terminal.flush();
    }

    private static String padTo(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
