package io.servd.agent.history;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk history: a directory of {@link Segment} files, appended by one thread and read by any.
 * Our own format rather than an embedded database: what is stored is one append-only time series per
 * unit, read back in time order; the format is a few hundred lines with no dependency, costs about a
 * bit per unchanged value, and its crash behaviour is what {@link Segment} says, not a library's.
 *
 * <p>Bounds: a segment is written for at most {@link #SEGMENT_SPAN} or a sixteenth of {@code maxBytes};
 * after each one, whole oldest segments are deleted while the store is larger than {@code maxBytes} or
 * once the next one started more than {@code retention} ago.
 *
 * <p>Durability: each frame is one {@code write(2)}, so a killed servd loses at most the frame it was
 * writing (the page cache keeps the rest); the segment is {@code fsync}ed every {@link #FSYNC_EVERY}
 * and when it is closed, so a power cut loses at most that much. A write that fails (ENOSPC, EIO)
 * stops recording for the rest of the run, logged once; reads go on.
 *
 * <p>Reads never throw ({@link HistoryReads}).
 */
public final class HistoryStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HistoryStore.class);
    static final Duration SEGMENT_SPAN = Duration.ofHours(1);
    static final Duration FSYNC_EVERY = Duration.ofMinutes(1);
    private static final long MIN_SEGMENT_BYTES = 64 << 10;

    /** Opens a segment for writing; a test passes one that fails as a full disk does. */
    interface Opener {
        FileChannel open(Path file) throws IOException;
    }

    private final Path dir;
    private final Duration retention;
    private final long maxBytes;
    private final Opener opener;
    private final ConcurrentSkipListMap<Instant, Segment> segments = new ConcurrentSkipListMap<>();
    private final HistoryReads reads = new HistoryReads(segments);
    // writer thread only
    private Optional<Writing> writing = Optional.empty();
    private Optional<Instant> last = Optional.empty();
    private volatile Optional<String> stopped = Optional.empty();

    private static final class Writing {
        final Segment segment;
        final FileChannel channel;
        final FrameCodec codec = new FrameCodec();
        long size;
        Instant synced;

        Writing(Segment segment, FileChannel channel, long size, Instant synced) {
            this.segment = segment;
            this.channel = channel;
            this.size = size;
            this.synced = synced;
        }
    }

    HistoryStore(Path dir, Duration retention, long maxBytes, Opener opener) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.maxBytes = maxBytes;
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    /**
     * The store in {@code dir} (made if missing), its last segment's torn tail cut off.
     *
     * @throws IOException when the directory cannot be made or listed
     */
    public static HistoryStore open(Path dir, Duration retention, long maxBytes) throws IOException {
        return open(dir, retention, maxBytes, file -> FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE));
    }

    static HistoryStore open(Path dir, Duration retention, long maxBytes, Opener opener) throws IOException {
        var store = new HistoryStore(dir, retention, maxBytes, opener);
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            files.map(Segment::of).flatMap(Optional::stream).forEach(s -> store.segments.put(s.start(), s));
        }
        if (!store.segments.isEmpty()) {
            Segment newest = store.segments.lastEntry().getValue();
            try {
                long cut = Segment.recover(newest.file());
                if (cut > 0) {
                    log.info("history: cut a torn record of [{}] bytes off [{}] (servd stopped while writing it)",
                            cut, newest.file());
                }
            } catch (IOException e) {
                log.warn("history: cannot check [{}] for a torn record, leaving it as it is: {}", newest.file(),
                        e.getMessage());
            }
        }
        return store;
    }

    /** The directory the segments are in. */
    public Path directory() {
        return dir;
    }

    /** Why recording stopped (a failed write), empty while it records. */
    public Optional<String> stopCause() {
        return stopped;
    }

    /**
     * Appends {@code frame} (the recording thread only); frames not later than the last one (the clock
     * went back) are dropped. Never throws: a failed write stops recording ({@link #stopCause()}).
     */
    public void append(Frame frame) {
        if (stopped.isPresent() || last.isPresent() && !frame.time().isAfter(last.get())) {
            return;
        }
        Path file = dir;
        try {
            if (writing.isEmpty() || due(writing.get(), frame.time())) {
                file = Segment.named(dir, frame.time()).file();
                rotate(frame.time());
            }
            Writing w = writing.orElseThrow();
            file = w.segment.file();
            var record = Segment.frame(w.codec.encode(frame));
            while (record.hasRemaining()) {
                w.channel.write(record);
            }
            w.size += record.limit();
            last = Optional.of(frame.time());
            if (!frame.time().isBefore(w.synced.plus(FSYNC_EVERY))) {
                w.channel.force(false);
                w.synced = frame.time();
            }
        } catch (IOException | RuntimeException e) {
            stop(file, e);
        }
    }

    private boolean due(Writing w, Instant time) {
        return !time.isBefore(w.segment.start().plus(SEGMENT_SPAN)) || w.size >= Math.max(maxBytes / 16, MIN_SEGMENT_BYTES);
    }

    private Writing rotate(Instant start) throws IOException {
        closeWriting();
        Segment segment = Segment.named(dir, start);
        FileChannel channel = opener.open(segment.file());
        try {
            var magic = java.nio.ByteBuffer.wrap(Segment.MAGIC);
            while (magic.hasRemaining()) {
                channel.write(magic);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true); // the new name survives a power cut
            }
        } catch (IOException e) {
            channel.close();
            Files.deleteIfExists(segment.file()); // not a segment without its magic
            throw e;
        }
        var w = new Writing(segment, channel, Segment.MAGIC.length, start);
        writing = Optional.of(w);
        segments.put(start, segment);
        prune(start);
        return w;
    }

    private void closeWriting() throws IOException {
        if (writing.isPresent()) {
            Writing w = writing.get();
            writing = Optional.empty();
            try (w.channel) {
                w.channel.force(false);
            }
        }
    }

    private void stop(Path file, Exception e) {
        String cause = e.getMessage() == null ? e.toString() : e.getMessage();
        stopped = Optional.of("writing [" + file + "] failed: " + cause);
        log.error("history recording stopped for this run, reads go on: writing [{}] failed: {}", file, cause);
        if (writing.isPresent()) {
            Writing w = writing.get();
            try (w.channel) {
                w.channel.truncate(w.size); // no half record at the end, if the disk lets us
            } catch (IOException ignored) {
                // the reader cuts a torn record at its next open; nothing more to do with a failing disk
            }
            writing = Optional.empty();
        }
    }

    /** Deletes whole oldest segments over the size cap or past the retention; never the one written. */
    private void prune(Instant now) {
        List<Segment> all = new ArrayList<>(segments.values());
        long total = 0;
        long[] sizes = new long[all.size()];
        for (int i = 0; i < all.size(); i++) {
            try {
                sizes[i] = Files.size(all.get(i).file());
            } catch (IOException e) {
                sizes[i] = 0;
            }
            total += sizes[i];
        }
        Instant horizon = now.minus(retention);
        for (int i = 0; i + 1 < all.size(); i++) {
            boolean expired = all.get(i + 1).start().isBefore(horizon);
            if (!expired && total <= maxBytes) {
                break;
            }
            try {
                Files.deleteIfExists(all.get(i).file());
                segments.remove(all.get(i).start());
                total -= sizes[i];
                log.debug("history: deleted [{}] ({})", all.get(i).file(), expired ? "past the retention" : "over the size cap");
            } catch (IOException e) {
                log.warn("history: cannot delete [{}]: {}", all.get(i).file(), e.getMessage());
                break;
            }
        }
    }

    /** Gets each frame of a read; returns whether to go on. */
    public interface Visitor {
        boolean visit(Frame frame);
    }

    /**
     * Visits the frames from {@code since} to {@code until} (both included) in time order, with the
     * units {@code wanted} accepts (the others are skipped undecoded).
     */
    public void read(Instant since, Instant until, Predicate<String> wanted, Visitor visitor) {
        reads.read(since, until, wanted, visitor);
    }

    /** Every unit as recorded at the last frame at or before {@code at}; empty when there is none. */
    public Optional<Frame> at(Instant at) {
        return reads.at(at);
    }

    /** Closes the segment being written, fsynced. */
    @Override
    public void close() {
        try {
            closeWriting();
        } catch (IOException e) {
            log.warn("history: closing [{}] failed: {}", dir, e.getMessage());
        }
    }
}
