package io.servd.daemon.logging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether an output stream goes to journald, as systemd documents for {@code JOURNAL_STREAM}:
 * systemd sets it to {@code "<dev>:<inode>"} (decimal {@code st_dev} and {@code st_ino}) of the
 * stream socket it connects to stdout/stderr; a process compares that with {@code fstat} of its fd,
 * so a redirected stream (a shell pipe, a file) is recognised as not the journal.
 */
public final class JournalStream {

    /** Our stderr, the stream servd logs to. */
    public static final Path STDERR = Path.of("/proc/self/fd/2");

    /** The environment variable set by systemd when stdout or stderr is a journal stream. */
    public static final String JOURNAL_STREAM = "JOURNAL_STREAM";

    /** A device and inode pair. */
    record StreamId(long dev, long ino) {

        /** {@code "dev:ino"} as systemd writes it; empty if it is not two unsigned decimals. */
        static Optional<StreamId> parse(String raw) {
            int colon = raw.indexOf(':');
            if (colon <= 0 || colon == raw.length() - 1) {
                return Optional.empty();
            }
            try {
                return Optional.of(new StreamId(Long.parseUnsignedLong(raw.substring(0, colon)),
                        Long.parseUnsignedLong(raw.substring(colon + 1))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        /** {@code stat} of {@code stream}, following {@code /proc/self/fd} links to the open file. */
        static StreamId of(Path stream) throws IOException {
            return new StreamId(((Number) Files.getAttribute(stream, "unix:dev")).longValue(),
                    ((Number) Files.getAttribute(stream, "unix:ino")).longValue());
        }
    }

    private JournalStream() {
    }

    /**
     * Whether {@code stream} is the journal stream named by {@code env}'s {@code JOURNAL_STREAM}.
     *
     * <p>Never fails: this runs while logging is being configured, when there is nowhere to report
     * a problem. An unset or malformed variable, or a stream that cannot be stat'ed (no
     * {@code /proc}, not Linux), all mean "not the journal", and logging stays human-readable.
     *
     * @param stream e.g. {@link #STDERR}
     */
    public static boolean isJournal(Map<String, String> env, Path stream) {
        Objects.requireNonNull(stream, "stream");
        String raw = Objects.requireNonNull(env, "env").get(JOURNAL_STREAM);
        if (raw == null) {
            return false;
        }
        Optional<StreamId> expected = StreamId.parse(raw);
        if (expected.isEmpty()) {
            return false;
        }
        try {
            return expected.get().equals(StreamId.of(stream));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false; // "unix" attribute view is absent off Unix-like systems
        }
    }
}
