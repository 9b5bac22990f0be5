package io.servd.servctl.top;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
 * The live view's terminal: JLine in raw mode on the alternate screen, one redraw per screen (JLine's
 * {@link Display} sends only changed lines), the totals line bold, the column header inverse, the status
 * line faint. {@link #close()} restores the terminal on every exit path, including Ctrl-C.
 */
final class JLineTerminal implements LiveView.Screen, LiveView.Keys, AutoCloseable {

    private final Terminal terminal;
    private final Attributes saved;
    private final Display display;
    private final NonBlockingReader reader;
    private volatile boolean interrupted;

    JLineTerminal() throws IOException {
        terminal = TerminalBuilder.builder().system(true).jna(false).build();
        terminal.handle(Terminal.Signal.INT, s -> interrupted = true);
        saved = terminal.enterRawMode();
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.cursor_invisible);
        terminal.flush();
        display = new Display(terminal, true);
        reader = terminal.reader();
    }

    @Override
    public int read(long timeoutMillis) throws IOException {
        if (interrupted) {
            return TopKeys.CTRL_C;
        }
        int key = reader.read(timeoutMillis);
        if (interrupted) {
            return TopKeys.CTRL_C;
        }
        return key == NonBlockingReader.READ_EXPIRED ? TIMEOUT : key;
    }

    @Override
    public int columns() {
        return terminal.getSize().getColumns();
    }

    @Override
    public int rows() {
        return terminal.getSize().getRows();
    }

    @Override
    public void draw(List<String> lines, String status) {
        Size size = terminal.getSize();
        int width = size.getColumns() > 0 ? size.getColumns() : 80;
        int height = size.getRows() > 0 ? size.getRows() : 24;
        display.resize(height, width);
        List<AttributedString> screen = new ArrayList<>(height);
        for (int i = 0; i < lines.size() && i < height - 1; i++) {
            AttributedStyle style = i == 0 ? AttributedStyle.BOLD
                    : i == 2 ? AttributedStyle.INVERSE : AttributedStyle.DEFAULT;
            String line = i == 2 ? padTo(lines.get(i), width) : lines.get(i);
            screen.add(new AttributedString(line, style));
        }
        while (screen.size() < height - 1) {
            screen.add(AttributedString.EMPTY);
        }
        screen.add(new AttributedString(status.length() > width ? status.substring(0, width) : status,
                AttributedStyle.DEFAULT.faint()));
        display.update(screen, 0);
        terminal.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            terminal.puts(Capability.cursor_visible);
            terminal.puts(Capability.exit_ca_mode);
            terminal.setAttributes(saved);
            terminal.flush();
        } finally {
            terminal.close();
        }
    }

    private static String padTo(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
