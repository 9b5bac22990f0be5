package io.servd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import io.servd.daemon.logback.JournalAppender;
import io.servd.daemon.logback.SdDaemonLayout;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The agent's own Logback configurations (src/main/resources), as servd.jar ships them. */
class LoggingConfigurationTest {

    private final LoggerContext context = new LoggerContext();

    @Test
    void shippedLogbackXmlConfiguresStderrAtInfoWithNettyQuiet() throws JoranException {
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(getClass().getResource("/logback.xml"));

        assertThat(context.getStatusManager().getCopyOfStatusList())
                .noneMatch(s -> s.getLevel() >= Status.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("io.netty.util.internal.PlatformDependent").getEffectiveLevel())
                .isEqualTo(Level.INFO);
        Appender<?> appender = root.getAppender("STDERR");
        assertThat(appender).isInstanceOf(OutputStreamAppender.class);
        Object encoder = ((OutputStreamAppender<?>) appender).getEncoder();
        assertThat(((LayoutWrappingEncoder<?>) encoder).getLayout()).isInstanceOf(SdDaemonLayout.class);
        assertThat(Arrays.asList("System.err"))
                .contains(((ch.qos.logback.core.ConsoleAppender<?>) appender).getTarget());
    }

    @Test
    void shippedJournalConfigurationLoads() throws Exception {
        var configurator = new ch.qos.logback.classic.joran.JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(getClass().getResource("/logback-journal.xml"));

        assertThat(context.getStatusManager().getCopyOfStatusList()).noneMatch(s -> s.getLevel() >= Status.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getAppender("JOURNAL")).isInstanceOf(JournalAppender.class);
        root.getAppender("JOURNAL").stop();
    }
}
