package io.servd.daemon.logback;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** The root logger's level, changeable at run time ({@code [Log] Level=} on reload). */
public final class RootLogLevel {
    private RootLogLevel() {}

    /**
     * Sets the root level; a no-op when Logback is not the SLF4J backend (an embedding application
     * configures its own logging).
     */
    public static void set(org.slf4j.event.Level level) {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.convertAnSLF4JLevel(level));
        }
    }
}
