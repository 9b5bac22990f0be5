package io.servd.agent.history;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reading side of {@link HistoryStore}, from any thread while the store appends. Never throws: a
 * segment that cannot be read (or was deleted by the retention meanwhile), a record whose checksum
 * fails and a frame that does not decode are logged once each (file and offset) and skipped, up to
 * the next keyframe. A reader sees the segment being written up to its last whole record.
 */
final class HistoryReads {
    private static final Logger log = LoggerFactory.getLogger(HistoryReads.class);

    private final ConcurrentSkipListMap<Instant, Segment> segments;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    HistoryReads(ConcurrentSkipListMap<Instant, Segment> segments) {
        this.segments = segments;
    }

    /**
     * Visits the frames from {@code since} to {@code until} (both included) in time order, with the
     * units {@code wanted} accepts (the others are skipped undecoded).
     */
    void read(Instant since, Instant until, Predicate<String> wanted, HistoryStore.Visitor visitor) {
        List<Segment> all = new ArrayList<>(segments.values());
        for (int i = 0; i < all.size(); i++) {
            if (i + 1 < all.size() && !all.get(i + 1).start().isAfter(since) || all.get(i).start().isAfter(until)) {
                continue;
            }
            boolean more = scan(all.get(i), 0, wanted, frame -> {
                if (frame.time().isAfter(until)) {
                    return false;
                }
                return frame.time().isBefore(since) || visitor.visit(frame);
            });
            if (!more) {
                return;
            }
        }
    }

    /** Every unit as recorded at the last frame at or before {@code at}; empty when there is none. */
    Optional<Frame> at(Instant at) {
        for (Map.Entry<Instant, Segment> e = segments.floorEntry(at); e != null; e = segments.lowerEntry(e.getKey())) {
            Segment s = e.getValue();
            // pass 1, bodies skipped: the frame wanted and the keyframe before it; pass 2: decode from
            // that keyframe, turning only the frame wanted into samples
            long[] keyframe = {-1};
            long[] target = {-1};
            scan(s, 0, unit -> false, offset -> false, (offset, payload, frame) -> {
                if (frame.time().isAfter(at)) {
                    return false;
                }
                if (FrameCodec.isKeyframe(payload)) {
                    keyframe[0] = offset;
                }
                target[0] = offset;
                return true;
            });
            if (keyframe[0] < 0) {
                continue;
            }
            List<Frame> found = new ArrayList<>(1);
            scan(s, keyframe[0], unit -> true, offset -> offset == target[0], (offset, payload, frame) -> {
                if (offset < target[0]) {
                    return true;
                }
                found.add(frame);
                return false;
            });
            if (!found.isEmpty()) {
                return Optional.of(found.get(0));
            }
        }
        return Optional.empty();
    }

    private interface RecordVisitor {
        boolean visit(long offset, byte[] payload, Frame frame);
    }

    private boolean scan(Segment s, long offset, Predicate<String> wanted, HistoryStore.Visitor visitor) {
        return scan(s, offset, wanted, at -> true, (at, payload, frame) -> visitor.visit(frame));
    }

    /** Visits the frames of {@code s} from {@code offset}; {@code samplesAt} says at which offsets to build samples. */
    private boolean scan(Segment s, long offset, Predicate<String> wanted, java.util.function.LongPredicate samplesAt,
                         RecordVisitor visitor) {
        var codec = new FrameCodec();
        try (var reader = new Segment.Reader(s.file(), offset)) {
            for (Optional<Segment.Record> r = reader.next(at -> corrupt(s, at, codec)); r.isPresent();
                 r = reader.next(at -> corrupt(s, at, codec))) {
                Optional<Frame> frame;
                try {
                    frame = codec.decode(r.get().payload(), wanted, samplesAt.test(r.get().offset()));
                } catch (CorruptFrameException e) {
                    report(s, r.get().offset(), "a record that does not decode (" + e.getMessage() + ")");
                    continue;
                }
                if (frame.isPresent() && !visitor.visit(r.get().offset(), r.get().payload(), frame.get())) {
                    return false;
                }
            }
            if (reader.end() == Segment.End.UNFRAMED) {
                report(s, reader.position(), "a record length no writer writes; the rest of the segment is not read");
            }
        } catch (NoSuchFileException e) {
            return true; // deleted by the retention meanwhile
        } catch (IOException e) {
            report(s, 0, "a segment that cannot be read (" + e.getMessage() + ")");
        }
        return true;
    }

    private void corrupt(Segment s, long offset, FrameCodec codec) {
        codec.lose();
        report(s, offset, "a record whose checksum fails; skipped up to the next keyframe");
    }

    private void report(Segment s, long offset, String what) {
        if (reported.add(s.file() + "@" + offset)) {
            log.warn("history: [{}] has {} at offset [{}]", s.file(), what, offset);
        }
    }
}
