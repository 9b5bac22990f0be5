package io.servd.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.status.Status;
import io.servd.agent.logging.ServdLogConfigurator;
import io.servd.agent.logging.ServdLogConfigurator.Output;
import io.servd.daemon.logback.JournalAppender;
import io.servd.daemon.logback.SdDaemonLayout;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent's Logback configuration as servd.jar ships it: in code, found through the ServiceLoader. */
class LoggingConfigurationTest {

    private final LoggerContext context = new LoggerContext();

    @AfterEach
    void stop() {
        System.clearProperty(ServdLogConfigurator.PROPERTY);
        System.clearProperty("logback.configurationFile");
        context.stop();
    }

    @Test
    void logbackFindsServdsConfiguratorAsAService() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
                .containsExactly(ServdLogConfigurator.class);
    }

    @Test
    void byDefaultStderrThroughTheSdDaemonLayoutAtInfoWithNettyQuiet() {
        assertThat(configurator().configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        assertThat(context.getStatusManager().getCopyOfStatusList()).noneMatch(s -> s.getLevel() >= Status.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("io.netty.util.internal.PlatformDependent").getEffectiveLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("io.servd.agent.Servd").isDebugEnabled()).isFalse();
        var appender = (ConsoleAppender<?>) root.getAppender("STDERR");
        assertThat(appender.getTarget()).isEqualTo("System.err");
        assertThat(appender.isStarted()).isTrue();
        assertThat(((LayoutWrappingEncoder<?>) appender.getEncoder()).getLayout()).isInstanceOf(SdDaemonLayout.class);
        assertThat(root.iteratorForAppenders()).toIterable().hasSize(1);
    }

    @Test
    void journalSendsOverTheNativeProtocolAsServd() {
        System.setProperty(ServdLogConfigurator.PROPERTY, "journal");

        assertThat(configurator().configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getAppender("JOURNAL")).isInstanceOf(JournalAppender.class);
        assertThat(root.getAppender("STDERR")).isNull();
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void aUsersOwnLogbackFileWinsOverServds() {
        System.setProperty("logback.configurationFile", "/etc/servd/my-logback.xml");
        System.setProperty(ServdLogConfigurator.PROPERTY, "journal");

        assertThat(configurator().configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders()).toIterable().isEmpty();
    }

    @Test
    void anUnknownOutputIsNamedAndFallsBackToStderr() {
        assertThatThrownBy(() -> Output.parse("syslog"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dservd.log=[syslog]: expected journal or stderr");
        assertThat(Output.parse(" Journal ")).isEqualTo(Output.JOURNAL);
        assertThat(Output.parse("")).isEqualTo(Output.STDERR);

        System.setProperty(ServdLogConfigurator.PROPERTY, "syslog");
        configurator().configure(context);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNotNull();
    }

    private ServdLogConfigurator configurator() {
        var configurator = new ServdLogConfigurator();
        configurator.setContext(context);
        return configurator;
    }
}
