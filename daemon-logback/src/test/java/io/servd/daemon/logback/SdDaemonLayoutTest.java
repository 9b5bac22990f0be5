package io.servd.daemon.logback;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SdDaemonLayoutTest {

    private final LoggerContext context = new LoggerContext();

    private SdDaemonLayout layout(String journal) {
        SdDaemonLayout layout = new SdDaemonLayout();
        layout.setContext(context);
        layout.setJournal(journal);
        layout.start();
        return layout;
    }

    private LoggingEvent event(Level level, String message, Throwable thrown) {
        Logger logger = context.getLogger("io.servd.daemon.Test");
        LoggingEvent event = new LoggingEvent("fqcn", logger, level, message, thrown, null);
        event.setThreadName("main");
        return event;
    }

    @ParameterizedTest(name = "{0} -> <{1}>")
    @CsvSource({"ERROR, 3", "WARN, 4", "INFO, 6", "DEBUG, 7", "TRACE, 7"})
    void mapsLevelsToSdDaemonPriorities(String level, int priority) {
        assertThat(SdDaemonLayout.priority(Level.toLevel(level))).isEqualTo(priority);
    }

    @Test
    void journalLinesCarryThePriorityOnEveryLineAndNoTimestamp() {
        SdDaemonLayout layout = layout("true");
        String text = layout.doLayout(event(Level.ERROR, "bind failed for [127.0.0.1:9470]",
                new java.net.BindException("Address already in use")));

        String[] lines = text.split("\n");
        assertThat(layout.isJournal()).isTrue();
        assertThat(lines[0]).isEqualTo("<3>ERROR [main] io.servd.daemon.Test - bind failed for [127.0.0.1:9470]");
        assertThat(lines).hasSizeGreaterThan(2).allSatisfy(line -> assertThat(line).startsWith("<3>"));
        assertThat(lines[1]).isEqualTo("<3>java.net.BindException: Address already in use");
        assertThat(text).endsWith("\n");
    }

    @Test
    void multiLineMessagesArePrefixedPerLine() {
        String text = layout("true").doLayout(event(Level.WARN, "first\nsecond", null));
        assertThat(text).isEqualTo("<4>WARN  [main] io.servd.daemon.Test - first\n<4>second\n");
    }

    @Test
    void humanLinesAreTimestampedWithoutPrefix() {
        SdDaemonLayout layout = layout("false");
        String text = layout.doLayout(event(Level.INFO, "listening on [127.0.0.1:9470]", null));

        assertThat(layout.isJournal()).isFalse();
        assertThat(text).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  \\[main\\] "
                + "io\\.servd\\.daemon\\.Test - listening on \\[127\\.0\\.0\\.1:9470\\]\n");
    }

    @Test
    void rejectsUnknownJournalSetting() {
        SdDaemonLayout layout = layout("maybe");
        assertThat(layout.isStarted()).isFalse();
        assertThat(context.getStatusManager().getCopyOfStatusList())
                .anySatisfy(s -> assertThat(s.getMessage()).contains("[maybe]"));
    }
}
