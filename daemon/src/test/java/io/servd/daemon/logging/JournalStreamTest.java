package io.servd.daemon.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.unixsocket.UnixDatagramChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JournalStreamTest {

    @TempDir
    Path dir;

    @Test
    void socketWhoseDevAndInodeMatchIsTheJournal() throws IOException {
        // journald hands us a stream socket; fstat() via jnr-posix is the independent oracle.
        POSIX posix = POSIXFactory.getNativePOSIX();
        UnixDatagramChannel[] pair = UnixDatagramChannel.pair();
        try {
            int fd = pair[0].getFD();
            FileStat st = posix.fstat(fd);
            Path stream = Path.of("/proc/self/fd/" + fd);

            assertThat(JournalStream.isJournal(Map.of("JOURNAL_STREAM", st.dev() + ":" + st.ino()), stream)).isTrue();
            assertThat(JournalStream.isJournal(Map.of("JOURNAL_STREAM", st.dev() + ":" + (st.ino() + 1)), stream))
                    .isFalse();
        } finally {
            pair[0].close();
            pair[1].close();
        }
    }

    @Test
    void redirectedStreamIsNotTheJournal() throws IOException {
        Path file = Files.createFile(dir.resolve("servd.log"));
        long dev = (Long) Files.getAttribute(file, "unix:dev");
        long ino = (Long) Files.getAttribute(file, "unix:ino");

        assertThat(JournalStream.isJournal(Map.of("JOURNAL_STREAM", dev + ":" + ino), file)).isTrue();
        // JOURNAL_STREAM inherited from a parent whose stderr went to the journal, ours does not.
        assertThat(JournalStream.isJournal(Map.of("JOURNAL_STREAM", "9:12345"), file)).isFalse();
        assertThat(JournalStream.isJournal(Map.of(), file)).isFalse();
        assertThat(JournalStream.isJournal(Map.of("JOURNAL_STREAM", dev + ":" + ino), dir.resolve("absent")))
                .isFalse();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "9", "9:", ":12345", "a:b", "9:12345:1", "-9:12345", "9 :12345"})
    void malformedVariableMeansNotTheJournal(String raw) {
        assertThat(JournalStream.StreamId.parse(raw)).isEmpty();
        assertThat(JournalStream.isJournal(Map.of("JOURNAL_STREAM", raw), dir)).isFalse();
    }
}
