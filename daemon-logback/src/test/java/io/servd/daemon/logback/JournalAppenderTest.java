package io.servd.daemon.logback;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.status.Status;
import io.servd.daemon.logging.JournalDecoder;
import io.servd.daemon.notify.FakeSystemd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** journald's native protocol against a real datagram socket, decoded independently here. */
class JournalAppenderTest {

    @TempDir
    Path dir;

    private final LoggerContext context = new LoggerContext();
    private JournalAppender appender;

    private Logger logger(String socket) {
        appender = new JournalAppender();
        appender.setContext(context);
        appender.setSocket(socket);
        appender.start();
        Logger logger = context.getLogger("io.servd.daemon.JournalTest");
        logger.addAppender(appender);
        logger.setAdditive(false);
        return logger;
    }

    @AfterEach
    void stop() {
        if (appender != null) {
            appender.stop();
        }
    }

    @Test
    void sendsStructuredFieldsWithExceptionAsItsOwnField() throws IOException {
        try (FakeSystemd journal = FakeSystemd.bind(dir.resolve("journal.sock").toString())) {
            Logger logger = logger(journal.notifySocket());
            Thread.currentThread().setName("main");

            logger.error("bind failed for [{}]", "127.0.0.1:9470", new IllegalStateException("boom\nsecond line"));
            int line = new Throwable().getStackTrace()[0].getLineNumber() - 1;

            FakeSystemd.Datagram got = journal.receive();
            assertThat(got.fds()).isEmpty();
            Map<String, String> fields = JournalDecoder.decode(got.bytes());
            assertThat(fields).containsEntry("MESSAGE", "bind failed for [127.0.0.1:9470]")
                    .containsEntry("PRIORITY", "3")
                    .containsEntry("SYSLOG_IDENTIFIER", "servd")
                    .containsEntry("LOGGER", "io.servd.daemon.JournalTest")
                    .containsEntry("THREAD_NAME", "main")
                    .containsEntry("CODE_FILE", "JournalAppenderTest.java")
                    .containsEntry("CODE_LINE", Integer.toString(line))
                    .containsEntry("CODE_FUNC", JournalAppenderTest.class.getName()
                            + ".sendsStructuredFieldsWithExceptionAsItsOwnField")
                    .containsEntry("EXCEPTION_CLASS", "java.lang.IllegalStateException");
            assertThat(fields.get("EXCEPTION"))
                    .startsWith("java.lang.IllegalStateException: boom\nsecond line\n\tat ");
        }
    }

    @Test
    void keyValuePairsBecomePrefixedUpperCaseFields() throws IOException {
        try (FakeSystemd journal = FakeSystemd.bind(dir.resolve("journal.sock").toString())) {
            Logger logger = logger(journal.notifySocket());

            logger.atInfo().addKeyValue("unit", "web.service").addKeyValue("memory.max_old", "max")
                    .addKeyValue("uid", 0).addKeyValue("why", "two\nlines").addKeyValue("none", (Object) null)
                    .addKeyValue("k".repeat(64), "too long a name")
                    .log("applied [{}]", "MemoryMax=1G");

            Map<String, String> fields = JournalDecoder.decode(journal.receive().bytes());
            assertThat(fields).containsEntry("MESSAGE", "applied [MemoryMax=1G]")
                    .containsEntry("SERVD_UNIT", "web.service")
                    .containsEntry("SERVD_MEMORY_MAX_OLD", "max")
                    .containsEntry("SERVD_UID", "0")
                    .containsEntry("SERVD_WHY", "two\nlines") // newline: the length-prefixed form
                    .doesNotContainKey("SERVD_NONE")
                    .doesNotContainKey("UNIT");
            assertThat(fields.keySet()).noneMatch(k -> k.startsWith("SERVD_KKK"));
            assertThat(context.getStatusManager().getCopyOfStatusList())
                    .filteredOn(s -> s.getLevel() == Status.WARN)
                    .singleElement()
                    .satisfies(s -> assertThat(s.getMessage()).contains("dropping key [" + "k".repeat(64) + "]"));
        }
    }

    @Test
    void oversizedEntryTravelsAsASealedMemfd() throws IOException {
        try (FakeSystemd journal = FakeSystemd.bind(dir.resolve("journal.sock").toString())) {
            Logger logger = logger(journal.notifySocket());
            String big = "x".repeat(512 * 1024); // beyond the default socket send buffer: EMSGSIZE

            logger.warn(big);

            FakeSystemd.Datagram got = journal.receive();
            assertThat(got.bytes()).isEmpty();
            assertThat(got.fds()).hasSize(1);
            Map<String, String> fields = JournalDecoder.decode(JournalDecoder.readAndClose(got.fds().get(0)));
            assertThat(fields.get("MESSAGE")).isEqualTo(big);
            assertThat(fields).containsEntry("PRIORITY", "4");
        }
    }

    @Test
    void journalDownDropsEntriesAndWarnsOnce() {
        Logger logger = logger(dir.resolve("no-journal.sock").toString());

        logger.info("one");
        logger.info("two");

        assertThat(context.getStatusManager().getCopyOfStatusList())
                .filteredOn(s -> s.getLevel() == Status.WARN)
                .singleElement()
                .satisfies(s -> assertThat(s.getMessage()).contains("[" + dir.resolve("no-journal.sock") + "]"));
    }

    @Test
    void malformedSocketAddressKeepsTheAppenderStopped() {
        logger("run/journal.sock");
        assertThat(appender.isStarted()).isFalse();
        assertThat(context.getStatusManager().getCopyOfStatusList())
                .anySatisfy(s -> assertThat(s.getMessage()).contains("journal socket must be an absolute path"));
    }
}
