package io.servd.agent.history;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * One segment file of the store: the frames from one instant (its name) to the next segment's.
 *
 * <pre>
 * file   = magic "SVDHIST" · version 0x01 · record*
 * record = u32 length (big-endian) · payload (length bytes, {@link FrameCodec}) · u32 CRC32C of length and payload
 * </pre>
 * Records are only appended, each with one {@code write(2)}: a process killed at any point leaves
 * whole records and at most one torn one at the end, which {@link #recover} cuts off. A record whose
 * checksum fails before the end (a bad sector, a bit flip) is skipped by its length; the codec then
 * resynchronises at the next keyframe.
 *
 * @param file  the segment's path
 * @param start the time of its first frame, from its name ({@code <µs since the epoch, 20 digits>.seg})
 */
record Segment(Path file, Instant start) {
    static final byte[] MAGIC = {'S', 'V', 'D', 'H', 'I', 'S', 'T', 1};
    static final String SUFFIX = ".seg";
    /** A record longer than this is not one of ours (a frame of 100,000 units is some 3 MB). */
    static final int MAX_RECORD = 64 << 20;

    /** The segment whose first frame is at {@code start}, in {@code dir}. */
    static Segment named(Path dir, Instant start) {
        return new Segment(dir.resolve(String.format("%020d", micros(start)) + SUFFIX), start);
    }

    /** The segment {@code file} is, by its name; empty for any other file. */
    static Optional<Segment> of(Path file) {
        String name = file.getFileName().toString();
        if (!name.matches("[0-9]{20}\\" + SUFFIX)) {
            return Optional.empty();
        }
        return Optional.of(new Segment(file, Frame.ofMicros(Long.parseLong(name.substring(0, 20)))));
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000L);
    }

    /** One record as read: where it starts, and its payload. */
    record Record(long offset, byte[] payload) {
    }

    /**
     * How a read ended: at the end of the file; at a record cut short by the end of the file (a torn
     * write: {@link #recover} cuts it off); or at a length no writer writes (the rest cannot be framed,
     * and is kept for a closer look rather than cut off).
     */
    enum End { CLEAN, TORN_TAIL, UNFRAMED }

    /** Reads records one after the other; a record with a bad checksum is reported and skipped. */
    static final class Reader implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private final long size;
        private long at;
        private End end = End.CLEAN;

        /**
         * Opens {@code file} at {@code offset} (0: the first record).
         *
         * @throws IOException when it cannot be read or is not a segment (magic)
         */
        Reader(Path file, long offset) throws IOException {
            this.file = file;
            this.channel = FileChannel.open(file, StandardOpenOption.READ);
            this.size = channel.size();
            byte[] magic = read(0, MAGIC.length).orElse(new byte[0]);
            if (!Arrays.equals(magic, MAGIC)) {
                channel.close();
                throw new IOException("not a history segment (magic) [" + file + "]");
            }
            this.at = Math.max(offset, MAGIC.length);
        }

        /**
         * The next record; empty at the end of the file, or at a torn record at its end ({@link #end()}).
         *
         * @param corrupt told of each record skipped for its checksum: its offset
         */
        Optional<Record> next(java.util.function.LongConsumer corrupt) throws IOException {
            while (true) {
                Optional<byte[]> head = read(at, 4);
                if (head.isEmpty()) {
                    end = at == size ? End.CLEAN : End.TORN_TAIL;
                    return Optional.empty();
                }
                int length = ByteBuffer.wrap(head.get()).getInt();
                if (length < 0 || length > MAX_RECORD) {
                    end = End.UNFRAMED;
                    corrupt.accept(at);
                    return Optional.empty();
                }
                Optional<byte[]> rest = read(at + 4, length + 4L);
                if (rest.isEmpty()) {
                    end = End.TORN_TAIL;
                    return Optional.empty();
                }
                byte[] payload = Arrays.copyOf(rest.get(), length);
                int stored = ByteBuffer.wrap(rest.get(), length, 4).getInt();
                long offset = at;
                at += 8L + length;
                if (stored == checksum(head.get(), payload)) {
                    return Optional.of(new Record(offset, payload));
                }
                if (at == size) {
                    end = End.TORN_TAIL; // the last record, whole but wrong: torn in the page cache of a crash
                    return Optional.empty();
                }
                corrupt.accept(offset);
            }
        }

        /** Where the last whole record ends (after {@link #next} returned empty: what {@link #recover} keeps). */
        long position() {
            return at;
        }

        End end() {
            return end;
        }

        Path file() {
            return file;
        }

        private Optional<byte[]> read(long position, long length) throws IOException {
            if (position + length > size) {
                return Optional.empty();
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) length);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    throw new EOFException("[" + file + "] shrank while read");
                }
            }
            return Optional.of(buffer.array());
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * Cuts a torn record off the end of {@code file} (a writer killed mid-record); whole records are
     * never touched, nor records after a bad one in the middle.
     *
     * @return the bytes cut off
     */
    static long recover(Path file) throws IOException {
        long keep;
        long size;
        try (var reader = new Reader(file, 0)) {
            while (reader.next(offset -> { }).isPresent()) {
                // read to the end
            }
            if (reader.end() != End.TORN_TAIL) {
                return 0;
            }
            keep = reader.position();
            size = reader.size;
        }
        try (var channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(keep);
            channel.force(true);
        }
        return size - keep;
    }

    /** The bytes of one record around {@code payload}. */
    static ByteBuffer frame(byte[] payload) {
        ByteBuffer record = ByteBuffer.allocate(8 + payload.length);
        record.putInt(payload.length);
        record.put(payload);
        record.putInt(checksum(Arrays.copyOf(record.array(), 4), payload));
        return record.flip();
    }

    private static int checksum(byte[] head, byte[] payload) {
        var crc = new CRC32C();
        crc.update(head);
        crc.update(payload);
        return (int) crc.getValue();
    }
}
