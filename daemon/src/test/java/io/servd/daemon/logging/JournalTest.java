package io.servd.daemon.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servd.daemon.notify.FakeSystemd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** journald's native protocol against a real datagram socket (FakeSystemd), decoded independently. */
class JournalTest {

    @TempDir
    Path dir;

    @Test
    void smallEntryIsOneDatagram() throws IOException {
        try (FakeSystemd journald = FakeSystemd.bind(dir.resolve("journal.sock").toString());
             Journal journal = Journal.open(journald.notifySocket())) {
            journal.send(new JournalEntry().field("MESSAGE", "hello").field("PRIORITY", "6"));

            FakeSystemd.Datagram got = journald.receive();
            assertThat(got.fds()).isEmpty();
            assertThat(JournalDecoder.decode(got.bytes()))
                    .containsExactly(Map.entry("MESSAGE", "hello"), Map.entry("PRIORITY", "6"));
        }
    }

    @Test
    void oversizedEntryTravelsAsASealedMemfd() throws IOException {
        try (FakeSystemd journald = FakeSystemd.bind(dir.resolve("journal.sock").toString());
             Journal journal = Journal.open(journald.notifySocket())) {
            String big = "x".repeat(512 * 1024); // beyond the default socket send buffer: EMSGSIZE

            journal.send(new JournalEntry().field("MESSAGE", big).field("PRIORITY", "4"));

            FakeSystemd.Datagram got = journald.receive();
            assertThat(got.bytes()).isEmpty();
            assertThat(got.fds()).hasSize(1);
            int memfd = got.fds().get(0);
            assertThat(SealedMemfd.functions().fcntl(memfd, SealedMemfd.F_GET_SEALS, 0))
                    .isEqualTo(SealedMemfd.ALL_SEALS);
            Map<String, String> fields = JournalDecoder.decode(JournalDecoder.readAndClose(memfd));
            assertThat(fields.get("MESSAGE")).isEqualTo(big);
            assertThat(fields).containsEntry("PRIORITY", "4");
        }
    }

    @Test
    void journalDownIsAnIOException() throws IOException {
        try (Journal journal = Journal.open(dir.resolve("no-journal.sock").toString())) {
            assertThatThrownBy(() -> journal.send(new JournalEntry().field("MESSAGE", "lost")))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void malformedAddressIsRefusedNamingIt() {
        assertThatThrownBy(() -> Journal.open("run/journal.sock"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[run/journal.sock]");
    }
}
