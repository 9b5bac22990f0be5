package io.servd.daemon.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import io.servd.daemon.logging.Journal;
import io.servd.daemon.logging.JournalEntry;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.slf4j.event.KeyValuePair;

/**
 * A Logback appender speaking journald's native protocol over {@code /run/systemd/journal/socket},
 * so that entries carry structured fields instead of one line of text:
 * {@code MESSAGE}, {@code PRIORITY} (3/4/6/7, as {@link SdDaemonLayout#priority}),
 * {@code SYSLOG_IDENTIFIER}, {@code CODE_FILE}/{@code CODE_LINE}/{@code CODE_FUNC} (when
 * {@code includeCallerData}, the default), {@code LOGGER}, {@code THREAD_NAME} and, for an event
 * with a throwable, {@code EXCEPTION} (the whole stack trace, as its own field) and
 * {@code EXCEPTION_CLASS}. SLF4J 2 key-value pairs ({@code log.atInfo().addKeyValue("unit", u)})
 * become fields of their own: the key upper-cased, every character but {@code A-Z0-9_} turned into
 * {@code _}, behind {@link #setFieldPrefix prefix} {@code SERVD_} (so no key can pose as a standard or
 * trusted field): {@code unit} → {@code SERVD_UNIT}, {@code memory.max_old} → {@code SERVD_MEMORY_MAX_OLD}.
 * A key that still makes no valid name (over 64 characters) is dropped, with one status warning.
 *
 * <p>Entries go through {@link Journal} (a sealed memfd for one too large for a datagram). A failed
 * send is reported once through Logback's status manager ({@code addWarn}) and the event dropped:
 * an appender has nowhere else to log.
 *
 * <pre>{@code
 * <appender name="JOURNAL" class="io.servd.daemon.logback.JournalAppender">
 *   <syslogIdentifier>servd</syslogIdentifier>
 * </appender>}</pre>
 *
 * @see <a href="https://systemd.io/JOURNAL_NATIVE_PROTOCOL/">Native Journal Protocol</a>
 */
public final class JournalAppender extends AppenderBase<ILoggingEvent> {

    private String socketAddress = Journal.DEFAULT_SOCKET;
    private String syslogIdentifier = "servd";
    private boolean includeCallerData = true;
    private String fieldPrefix = "SERVD_";
    private Journal journal;
    private boolean failing;
    private boolean warnedKey;

    /** The journal socket: an absolute path (default {@value Journal#DEFAULT_SOCKET}) or {@code @name}. */
    public void setSocket(String socketAddress) {
        this.socketAddress = socketAddress;
    }

    public void setSyslogIdentifier(String syslogIdentifier) {
        this.syslogIdentifier = syslogIdentifier;
    }

    /** What key-value fields start with (default {@code SERVD_}); it must itself be a valid start of a field name. */
    public void setFieldPrefix(String fieldPrefix) {
        this.fieldPrefix = fieldPrefix;
    }

    /** Whether to add {@code CODE_FILE}/{@code CODE_LINE}/{@code CODE_FUNC} (costs a stack walk). */
    public void setIncludeCallerData(boolean includeCallerData) {
        this.includeCallerData = includeCallerData;
    }

    @Override
    public void start() {
        if (!JournalEntry.isValidName(fieldPrefix + "X")) {
            addError("invalid journal field prefix [" + fieldPrefix + "]: upper-case letters, digits and _, not starting with _");
            return;
        }
        try {
            journal = Journal.open(socketAddress);
        } catch (IllegalArgumentException e) {
            addError(e.getMessage());
            return;
        }
        super.start();
    }

    @Override
    public void stop() {
        super.stop();
        try {
            if (journal != null) {
                journal.close();
            }
        } catch (IOException e) {
            addWarn("closing journal socket [" + socketAddress + "] failed", e);
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        try {
            journal.send(encode(event));
            if (failing) {
                addInfo("journal socket [" + socketAddress + "] accepts entries again");
                failing = false;
            }
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                addWarn("dropping log entries: journal socket [" + socketAddress + "] refused them", e);
                failing = true;
            }
        }
    }

    JournalEntry encode(ILoggingEvent event) {
        JournalEntry entry = new JournalEntry()
                .field("MESSAGE", event.getFormattedMessage())
                .field("PRIORITY", Integer.toString(SdDaemonLayout.priority(event.getLevel())))
                .field("SYSLOG_IDENTIFIER", syslogIdentifier)
                .field("LOGGER", event.getLoggerName())
                .field("THREAD_NAME", event.getThreadName());
        if (includeCallerData) {
            StackTraceElement[] caller = event.getCallerData();
            if (caller != null && caller.length > 0) {
                entry.field("CODE_FILE", caller[0].getFileName())
                        .field("CODE_LINE", caller[0].getLineNumber() > 0 ? Integer.toString(caller[0].getLineNumber()) : null)
                        .field("CODE_FUNC", caller[0].getClassName() + "." + caller[0].getMethodName());
            }
        }
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                String name = fieldName(pair.key);
                if (JournalEntry.isValidName(name)) {
                    entry.field(name, pair.value == null ? null : String.valueOf(pair.value));
                } else if (!warnedKey) {
                    addWarn("dropping key [" + pair.key + "]: [" + name + "] is not a valid journal field name");
                    warnedKey = true;
                }
            }
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            entry.field("EXCEPTION_CLASS", thrown.getClassName())
                    .field("EXCEPTION", ThrowableProxyUtil.asString(thrown));
        }
        return entry;
    }

    /** {@code memory.max_old} → {@code SERVD_MEMORY_MAX_OLD}. */
    String fieldName(String key) {
        StringBuilder name = new StringBuilder(fieldPrefix.length() + key.length()).append(fieldPrefix);
        for (char c : key.toUpperCase(Locale.ROOT).toCharArray()) {
            name.append((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_');
        }
        return name.toString();
    }
}
