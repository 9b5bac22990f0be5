package io.servd.daemon.logback;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/** The root logger's level, changeable at run time ({@code [Log] Level=} on reload). */
public final class RootLogLevel {
    private RootLogLevel() {}

    /**
     * Sets the root level; a no-op when Logback is not the SLF4J backend (an embedding application
     * configures its own logging).
     *
     * @param level {@code error}, {@code warn}, {@code info}, {@code debug} or {@code trace}
     * @throws IllegalArgumentException naming any other value
     */
    public static void set(String level) {
        Level parsed = Level.toLevel(level.toUpperCase(Locale.ROOT), null);
        if (parsed == null || parsed == Level.OFF || parsed == Level.ALL) {
            throw new IllegalArgumentException("unknown log level [" + level + "]");
        }
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(parsed);
        }
    }
}
