package io.servd.daemon.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import io.servd.daemon.logging.Journal;
import io.servd.daemon.logging.JournalEntry;
import java.io.IOException;

/**
 * A Logback appender speaking journald's native protocol over {@code /run/systemd/journal/socket},
 * so that entries carry structured fields instead of one line of text:
 * {@code MESSAGE}, {@code PRIORITY} (3/4/6/7, as {@link SdDaemonLayout#priority}),
 * {@code SYSLOG_IDENTIFIER}, {@code CODE_FILE}/{@code CODE_LINE}/{@code CODE_FUNC} (when
 * {@code includeCallerData}, the default), {@code LOGGER}, {@code THREAD_NAME} and, for an event
 * with a throwable, {@code EXCEPTION} (the whole stack trace, as its own field) and
 * {@code EXCEPTION_CLASS}.
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
    private Journal journal;
    private boolean failing;

    /** The journal socket: an absolute path (default {@value Journal#DEFAULT_SOCKET}) or {@code @name}. */
    public void setSocket(String socketAddress) {
        this.socketAddress = socketAddress;
    }

    public void setSyslogIdentifier(String syslogIdentifier) {
        this.syslogIdentifier = syslogIdentifier;
    }

    /** Whether to add {@code CODE_FILE}/{@code CODE_LINE}/{@code CODE_FUNC} (costs a stack walk). */
    public void setIncludeCallerData(boolean includeCallerData) {
        this.includeCallerData = includeCallerData;
    }

    @Override
    public void start() {
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
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            entry.field("EXCEPTION_CLASS", thrown.getClassName())
                    .field("EXCEPTION", ThrowableProxyUtil.asString(thrown));
        }
        return entry;
    }
}
