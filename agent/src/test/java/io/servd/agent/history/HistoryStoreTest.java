package io.servd.agent.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryStoreTest {
    private static final Instant START = Instant.parse("2026-12-03T03:00:00Z");
    private static final Duration FIVE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void framesReadBackAfterReopening() throws Exception {
        List<Frame> written = write(HistoryStore.open(dir, Duration.ofDays(7), 256L << 20), 10, 400, 1);
        try (var store = HistoryStore.open(dir, Duration.ofDays(7), 256L << 20)) {
            assertThat(all(store)).containsExactlyElementsOf(written);
            // a range, and the units asked for only
            List<Frame> some = new ArrayList<>();
            store.read(START.plusSeconds(100), START.plusSeconds(200), "synthetic-3.service"::equals, some::add);
            assertThat(some).hasSize(21).allSatisfy(f -> assertThat(f.units()).hasSize(1));
            assertThat(some.get(0)).isEqualTo(only(written.get(20), 3));
            // one moment: the last frame at or before it
            assertThat(store.at(START.plusSeconds(1000).plusMillis(4999))).contains(written.get(200));
            assertThat(store.at(START.minusMillis(1))).isEmpty();
            assertThat(store.at(START.plus(Duration.ofDays(1)))).contains(written.get(399));
        }
    }

    @Test
    void aTornTailIsCutOffOnOpenAndNothingBeforeItIsLost() throws Exception {
        List<Frame> written = write(HistoryStore.open(dir, Duration.ofDays(7), 256L << 20), 5, 50, 2);
        Path segment = segments().get(0);
        long whole = Files.size(segment);
        byte[] record = Segment.frame(new byte[100]).array();
        try (var out = FileChannel.open(segment, StandardOpenOption.APPEND)) {
            out.write(java.nio.ByteBuffer.wrap(record, 0, 37)); // a writer killed inside write(2)
        }
        try (var store = HistoryStore.open(dir, Duration.ofDays(7), 256L << 20)) {
            assertThat(Files.size(segment)).isEqualTo(whole);
            assertThat(all(store)).containsExactlyElementsOf(written);
            Frame next = FrameCodecTest.comparable(new SyntheticHost(5, FIVE, START.plusSeconds(3600), 9).next());
            store.append(next);
            assertThat(store.at(next.time())).contains(next);
        }
    }

    @Test
    void aBadChecksumInTheMiddleCostsFramesUpToTheNextKeyframeOnly() throws Exception {
        int frames = FrameCodec.KEYFRAME_EVERY + 40;
        List<Frame> written = write(HistoryStore.open(dir, Duration.ofDays(7), 256L << 20), 5, frames, 3);
        Path segment = segments().get(0);
        long tenth = offsetOfRecord(segment, 10);
        try (var file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(tenth + 20);
            int b = file.read();
            file.seek(tenth + 20);
            file.write(b ^ 0x40); // one flipped bit
        }
        var log = capture(HistoryReads.class);
        try (var store = HistoryStore.open(dir, Duration.ofDays(7), 256L << 20)) {
            List<Frame> read = all(store);
            var expected = new ArrayList<>(written.subList(0, 10));
            expected.addAll(written.subList(FrameCodec.KEYFRAME_EVERY, frames));
            assertThat(read).containsExactlyElementsOf(expected);
            assertThat(store.at(written.get(50).time())).contains(written.get(9));
            assertThat(all(store)).isEqualTo(read);
        } finally {
            release(HistoryReads.class, log);
        }
        // one WARN naming the file and the offset, however often it is read
        assertThat(log.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
            assertThat(e.getFormattedMessage()).contains("[" + segment + "]", "checksum fails", "offset [" + tenth + "]");
        });
    }

    @Test
    void aFullDiskStopsRecordingAndReadsGoOn() throws Exception {
        List<Frame> written = write(HistoryStore.open(dir, Duration.ofDays(7), 256L << 20), 5, 20, 4);
        // /dev/full fails every write with ENOSPC, as a full file system does
        HistoryStore.Opener full = file -> FileChannel.open(Path.of("/dev/full"), StandardOpenOption.WRITE);
        var log = capture(HistoryStore.class);
        try (var store = HistoryStore.open(dir, Duration.ofDays(7), 256L << 20, full)) {
            var host = new SyntheticHost(5, FIVE, START.plusSeconds(7200), 5);
            store.append(host.next());
            assertThat(store.stopCause()).hasValueSatisfying(c -> assertThat(c).contains("No space left on device"));
            store.append(host.next()); // a no-op now, and no exception
            assertThat(all(store)).containsExactlyElementsOf(written);
            assertThat(segments()).hasSize(1);
        } finally {
            release(HistoryStore.class, log);
        }
        assertThat(log.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
            assertThat(e.getFormattedMessage()).contains("history recording stopped", "No space left on device",
                    Segment.named(dir, START.plusSeconds(7200)).file().toString());
        });
    }

    @Test
    void theSizeCapDeletesWholeOldestSegments() throws Exception {
        long cap = 1L << 20;
        var store = HistoryStore.open(dir, Duration.ofDays(7), cap);
        List<Frame> written = write(store, 50, 3000, 6);
        long total = 0;
        for (Path p : segments()) {
            total += Files.size(p);
        }
        assertThat(segments().size()).isGreaterThan(3);
        assertThat(total).isLessThanOrEqualTo(cap + (64 << 10) + 8 << 10);
        try (var reopened = HistoryStore.open(dir, Duration.ofDays(7), cap)) {
            List<Frame> kept = all(reopened);
            assertThat(kept).isNotEmpty().isEqualTo(written.subList(written.size() - kept.size(), written.size()));
        }
    }

    @Test
    void retentionDeletesSegmentsThatEndedBeforeIt() throws Exception {
        var store = HistoryStore.open(dir, Duration.ofHours(1), 256L << 20);
        List<Frame> written = write(store, 2, 4 * 720, 7); // four hours at 5 s: four segments
        try (var reopened = HistoryStore.open(dir, Duration.ofHours(1), 256L << 20)) {
            List<Frame> kept = all(reopened);
            // pruned when the last segment began, at 3 h: the first (0 to 1 h) had ended more than an hour
            // before, the second (1 h to 2 h) exactly an hour before, so it stays
            assertThat(kept.get(0).time()).isEqualTo(START.plus(Duration.ofHours(1)));
            assertThat(kept.get(kept.size() - 1)).isEqualTo(written.get(written.size() - 1));
        }
    }

    private List<Frame> write(HistoryStore store, int units, int frames, long seed) {
        var host = new SyntheticHost(units, FIVE, START, seed);
        List<Frame> written = new ArrayList<>();
        try (store) {
            for (int i = 0; i < frames; i++) {
                Frame f = host.next();
                store.append(f);
                written.add(FrameCodecTest.comparable(f));
            }
            assertThat(store.stopCause()).isEmpty();
        }
        return written;
    }

    private static List<Frame> all(HistoryStore store) {
        List<Frame> frames = new ArrayList<>();
        store.read(Instant.EPOCH, START.plus(Duration.ofDays(365)), unit -> true, frames::add);
        return frames;
    }

    private static Frame only(Frame frame, int unit) {
        return new Frame(frame.time(), List.of(frame.units().get(unit)));
    }

    static ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> capture(Class<?> logger) {
        var appender = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        appender.start();
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(logger)).addAppender(appender);
        return appender;
    }

    static void release(Class<?> logger, ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> a) {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(logger)).detachAppender(a);
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static long offsetOfRecord(Path segment, int index) throws IOException {
        try (var reader = new Segment.Reader(segment, 0)) {
            for (int i = 0; i < index; i++) {
                reader.next(at -> { }).orElseThrow();
            }
            return reader.next(at -> { }).orElseThrow().offset();
        }
    }
}
