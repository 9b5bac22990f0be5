package io.servd.daemon.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.status.Status;
import io.servd.daemon.notify.FakeSystemd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jnr.posix.POSIX;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** journald's native protocol against a real datagram socket, decoded independently here. */
class JournalAppenderTest {

    private static final POSIX POSIX = FakeSystemd.POSIX;

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
            Map<String, String> fields = decode(got.bytes());
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
    void oversizedEntryTravelsAsASealedMemfd() throws IOException {
        try (FakeSystemd journal = FakeSystemd.bind(dir.resolve("journal.sock").toString())) {
            Logger logger = logger(journal.notifySocket());
            String big = "x".repeat(512 * 1024); // beyond the default socket send buffer: EMSGSIZE

            logger.warn(big);

            FakeSystemd.Datagram got = journal.receive();
            assertThat(got.bytes()).isEmpty();
            assertThat(got.fds()).hasSize(1);
            int memfd = got.fds().get(0);
            try {
                assertThat(SealedMemfd.functions().fcntl(memfd, SealedMemfd.F_GET_SEALS, 0))
                        .isEqualTo(SealedMemfd.ALL_SEALS);
                int size = (int) POSIX.fstat(memfd).st_size();
                byte[] content = new byte[size];
                assertThat(POSIX.pread(memfd, content, size, 0)).isEqualTo(size);
                Map<String, String> fields = decode(content);
                assertThat(fields.get("MESSAGE")).isEqualTo(big);
                assertThat(fields).containsEntry("PRIORITY", "4");
            } finally {
                POSIX.close(memfd);
            }
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

    /** The native protocol, decoded as journald does. */
    static Map<String, String> decode(byte[] entry) {
        Map<String, String> fields = new LinkedHashMap<>();
        ByteBuffer in = ByteBuffer.wrap(entry).order(ByteOrder.LITTLE_ENDIAN);
        while (in.hasRemaining()) {
            int start = in.position();
            while (entry[in.position()] != '=' && entry[in.position()] != '\n') {
                in.get();
            }
            String name = new String(entry, start, in.position() - start, StandardCharsets.US_ASCII);
            if (in.get() == '=') {
                int valueStart = in.position();
                while (entry[in.position()] != '\n') {
                    in.get();
                }
                fields.put(name, new String(entry, valueStart, in.position() - valueStart, StandardCharsets.UTF_8));
            } else {
                int length = (int) in.getLong();
                fields.put(name, new String(entry, in.position(), length, StandardCharsets.UTF_8));
                in.position(in.position() + length);
            }
            assertThat(in.get()).as("field terminator").isEqualTo((byte) '\n');
        }
        return fields;
    }
}
