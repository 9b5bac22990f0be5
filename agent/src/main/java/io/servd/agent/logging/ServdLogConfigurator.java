package io.servd.agent.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.servd.daemon.logback.JournalAppender;
import io.servd.daemon.logback.SdDaemonLayout;
import java.util.Locale;

/**
 * servd's Logback configuration, in code: found by Logback's {@link java.util.ServiceLoader} lookup
 * (META-INF/services) before any XML file. Joran, Logback's XML configurator, loads XML parsing and
 * its own rule model, about 650 classes (xerces, SAX, joran); under TCG in the test-bed VM those
 * cost about 5 of the 56 s from exec to READY (class-load log of the agent's start, 9.6–14.4 s).
 *
 * <p>{@value #PROPERTY} picks the output: {@code journal} sends each entry over journald's native
 * protocol ({@link JournalAppender}: PRIORITY, SYSLOG_IDENTIFIER=servd, code location, EXCEPTION and
 * the SERVD_* fields as their own fields; what servd.service sets), {@code stderr} (the default)
 * writes lines through {@link SdDaemonLayout} (sd-daemon priority prefixes when stderr is the
 * journal, a timestamp otherwise). Root at INFO, Netty's platform probing at DEBUG stays quiet.
 * A user's own {@code -Dlogback.configurationFile=…} still wins: then this configurator steps aside
 * and Joran reads that file, as Logback does without servd.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class ServdLogConfigurator extends ContextAwareBase implements Configurator {
    /** The system property that picks the output: {@code journal} or {@code stderr}. */
    public static final String PROPERTY = "servd.log";
    static final String LOGBACK_FILE_PROPERTY = "logback.configurationFile";

    /** Where the log goes. */
    public enum Output {
        STDERR, JOURNAL;

        /**
         * The output {@code value} of {@value #PROPERTY} names; empty or absent is {@link #STDERR}.
         *
         * @throws IllegalArgumentException naming the value and the property
         */
        public static Output parse(String value) {
            if (value == null || value.isBlank()) {
                return STDERR;
            }
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "stderr" -> STDERR;
                case "journal" -> JOURNAL;
                default -> throw new IllegalArgumentException(
                        "-D" + PROPERTY + "=[" + value + "]: expected journal or stderr");
            };
        }
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        String file = System.getProperty(LOGBACK_FILE_PROPERTY);
        if (file != null && !file.isBlank()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        Output output;
        try {
            output = Output.parse(System.getProperty(PROPERTY));
        } catch (IllegalArgumentException e) {
            // logging is not up yet: say it on stderr, and log there
            System.err.println("servd: " + e.getMessage() + "; logging to stderr");
            output = Output.STDERR;
        }
        configure(context, output);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Configures {@code context} for {@code output}: one appender on the root logger at INFO. */
    public static void configure(LoggerContext context, Output output) {
        Appender<ILoggingEvent> appender = output == Output.JOURNAL ? journal(context) : stderr(context);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.setLevel(Level.INFO);
        root.addAppender(appender);
        // Netty logs its platform probing at DEBUG; servd reports the transport decision itself
        context.getLogger("io.netty").setLevel(Level.INFO);
    }

    private static Appender<ILoggingEvent> journal(LoggerContext context) {
        var appender = new JournalAppender();
        appender.setContext(context);
        appender.setName("JOURNAL");
        appender.setSyslogIdentifier("servd");
        appender.start();
        return appender;
    }

    private static Appender<ILoggingEvent> stderr(LoggerContext context) {
        var layout = new SdDaemonLayout();
        layout.setContext(context);
        layout.setStream("/proc/self/fd/2");
        layout.start();
        var encoder = new LayoutWrappingEncoder<ILoggingEvent>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        var appender = new ConsoleAppender<ILoggingEvent>();
        appender.setContext(context);
        appender.setName("STDERR");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
