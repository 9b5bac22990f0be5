package io.servd.daemon.logback;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.LayoutBase;
import io.servd.daemon.logging.JournalStream;
import java.nio.file.Path;

/**
 * A Logback layout that writes for journald or for a human, decided once at start-up.
 *
 * <p>With {@code journal=auto} (the default) it checks {@link JournalStream#isJournal} for the
 * configured {@code stream} (stderr unless set). To the journal it formats with
 * {@code journalPattern} and prefixes <em>every</em> line — stack-trace lines too, or journald files
 * them at the default priority — with the sd-daemon priority: {@code <3>} ERROR, {@code <4>} WARN,
 * {@code <6>} INFO, {@code <7>} DEBUG and TRACE. Otherwise it formats with {@code consolePattern}.
 * {@code journal=true|false} forces the choice.
 */
public final class SdDaemonLayout extends LayoutBase<ILoggingEvent> {

    private final PatternLayout delegate = new PatternLayout();
    private String journalPattern = "%-5level [%thread] %logger{36} - %msg%n";
    private String consolePattern = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";
    private String journal = "auto";
    private String stream = JournalStream.STDERR.toString();
    private boolean toJournal;

    public void setJournalPattern(String journalPattern) {
        this.journalPattern = journalPattern;
    }

    public void setConsolePattern(String consolePattern) {
        this.consolePattern = consolePattern;
    }

    /** {@code auto} (default), {@code true} or {@code false}. */
    public void setJournal(String journal) {
        this.journal = journal;
    }

    /** The stream the appender writes to, as a path: {@code /proc/self/fd/2} (default) or {@code /1}. */
    public void setStream(String stream) {
        this.stream = stream;
    }

    /** Whether lines are formatted for journald (valid once started). */
    public boolean isJournal() {
        return toJournal;
    }

    @Override
    public void start() {
        switch (journal) {
            // Logback instantiates us, so this is an entry point: the one place reading the environment.
            case "auto" -> toJournal = JournalStream.isJournal(System.getenv(), Path.of(stream));
            case "true" -> toJournal = true;
            case "false" -> toJournal = false;
            default -> {
                addError("journal must be auto, true or false [" + journal + "]");
                return;
            }
        }
        delegate.setContext(getContext());
        delegate.setPattern(toJournal ? journalPattern : consolePattern);
        delegate.start();
        super.start();
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        String text = delegate.doLayout(event);
        return toJournal ? prefixLines(text, "<" + priority(event.getLevel()) + ">") : text;
    }

    /** The syslog priority sd-daemon(3) expects for a Logback level. */
    static int priority(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> 3;
            case Level.WARN_INT -> 4;
            case Level.INFO_INT -> 6;
            default -> 7;
        };
    }

    static String prefixLines(String text, String prefix) {
        StringBuilder out = new StringBuilder(text.length() + prefix.length() * 2);
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            end = end < 0 ? text.length() : end + 1;
            out.append(prefix).append(text, start, end);
            start = end;
        }
        return out.toString();
    }
}
