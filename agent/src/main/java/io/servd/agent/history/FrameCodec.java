package io.servd.agent.history;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Frames ↔ record payloads. Stateful in both directions: values are deltas from the same unit's
 * previous sample, and words are ids into a table, both since the last keyframe. A keyframe (the first
 * frame of a segment, then every {@link #KEYFRAME_EVERY}) starts from nothing, so that a reader can
 * start there and resynchronise there after a corrupt record.
 *
 * <pre>
 * payload  = varint flags (1: keyframe) · varint time (keyframe: µs since the epoch, else the zigzag
 *            difference to the previous frame's) · varint newWords · newWords × (varint length, UTF-8)
 *            · varint units · units × unit
 * unit     = zigzag varint (wordId of its name - previous unit's + 1) · varint bodyLength · body (bits,
 *            padded to a byte; skippable)
 * body     = bit maskChanged [· 58 bits mask] · per group with a field present: bit changed
 *            [· per present field: bit changed [· zigzag varint difference]]
 * </pre>
 * An unchanged group costs one bit and an unchanged value in a changed group one bit; a unit missing
 * from a frame was not there at that tick.
 */
final class FrameCodec {
    /** 180 frames: 15 min at the default 5 s, the most a corrupt record can cost. */
    static final int KEYFRAME_EVERY = 180;

    private final List<String> words = new ArrayList<>();
    private final Map<String, Long> ids = new HashMap<>();
    private final Map<Long, SampleVector> previous = new HashMap<>();
    private long previousTime;
    private int sinceKeyframe;
    /** Decoding only: a record was lost, frames are skipped until the next keyframe. */
    private boolean lost;

    private final SampleVector.Strings strings = new SampleVector.Strings() {
        @Override
        public long id(String word) {
            Long id = ids.get(word);
            if (id == null) {
                throw new IllegalStateException("word not interned [" + word + "]");
            }
            return id;
        }

        @Override
        public String word(long id) {
            if (id < 0 || id >= words.size()) {
                throw new IllegalArgumentException("no word [" + id + "]");
            }
            return words.get((int) id);
        }
    };

    private void reset() {
        words.clear();
        ids.clear();
        previous.clear();
        sinceKeyframe = 0;
    }

    /** The next frame's payload; {@code frame} must not be older than the previous one. */
    byte[] encode(Frame frame) {
        boolean keyframe = sinceKeyframe == 0 || sinceKeyframe >= KEYFRAME_EVERY;
        if (keyframe) {
            reset();
        }
        sinceKeyframe++;
        int known = words.size();
        // names first: the ids written for every unit in every frame stay small (one byte up to 127)
        frame.units().forEach(u -> intern(u.unit()));
        for (UnitSample u : frame.units()) {
            u.cgroup().ifPresent(c -> intern(c.group()));
            u.state().ifPresent(s -> {
                intern(s.subState());
                s.result().ifPresent(this::intern);
            });
        }
        var out = new Bits.Writer();
        out.varint(keyframe ? 1 : 0);
        long time = frame.timeMicros();
        if (keyframe) {
            out.varint(time);
        } else {
            out.signed(time - previousTime);
        }
        previousTime = time;
        out.varint(words.size() - known);
        for (String w : words.subList(known, words.size())) {
            byte[] utf8 = w.getBytes(StandardCharsets.UTF_8);
            out.varint(utf8.length);
            for (byte b : utf8) {
                out.bits(b, 8);
            }
        }
        out.varint(frame.units().size());
        var body = new Bits.Writer();
        long expected = 0;
        for (UnitSample u : frame.units()) {
            long id = ids.get(u.unit());
            SampleVector next = new SampleVector().fill(u, strings);
            body.reset();
            writeBody(body, previous.getOrDefault(id, EMPTY), next);
            previous.put(id, next);
            out.signed(id - expected); // units come in the same order at every tick: 0, one byte
            expected = id + 1;
            out.varint(body.byteLength());
            out.append(body);
        }
        return out.toByteArray();
    }

    private static final SampleVector EMPTY = new SampleVector();

    private void intern(String word) {
        if (!ids.containsKey(word)) {
            ids.put(word, (long) words.size());
            words.add(word);
        }
    }

    private static void writeBody(Bits.Writer out, SampleVector before, SampleVector now) {
        boolean maskChanged = before.mask() != now.mask();
        out.bit(maskChanged);
        if (maskChanged) {
            out.bits(now.mask(), SampleVector.FIELDS);
        }
        long mask = now.mask();
        long[] a = before.values();
        long[] b = now.values();
        for (int g = 0; g + 1 < SampleVector.GROUPS.length; g++) {
            int from = SampleVector.GROUPS[g];
            int to = SampleVector.GROUPS[g + 1];
            long groupMask = mask & (((1L << (to - from)) - 1) << from);
            if (groupMask == 0) {
                continue;
            }
            boolean changed = false;
            for (int f = from; f < to && !changed; f++) {
                changed = (groupMask & (1L << f)) != 0 && a[f] != b[f];
            }
            out.bit(changed);
            if (!changed) {
                continue;
            }
            for (int f = from; f < to; f++) {
                if ((groupMask & (1L << f)) != 0) {
                    out.bit(a[f] != b[f]);
                    if (a[f] != b[f]) {
                        out.signed(b[f] - a[f]);
                    }
                }
            }
        }
    }

    /** Whether {@code payload} is a keyframe's (its flags, a one-byte varint, come first). */
    static boolean isKeyframe(byte[] payload) {
        return payload.length > 0 && (payload[0] & 1) != 0;
    }

    /** Decoding: the record before the next one was lost (checksum); frames are skipped until a keyframe. */
    void lose() {
        lost = true;
    }

    /**
     * The frame in {@code payload}, with the units {@code wanted} accepts (the others' bodies are
     * skipped); empty after a lost record until the next keyframe.
     *
     * @throws CorruptFrameException when the payload does not decode; the codec is lost then
     */
    java.util.Optional<Frame> decode(byte[] payload, Predicate<String> wanted) throws CorruptFrameException {
        return decode(payload, wanted, true);
    }

    /**
     * As {@link #decode(byte[], Predicate)}; with {@code samples} false the wanted units' values are
     * decoded (the next frame needs them) but not turned into samples, and the frame has no units: the
     * frames before the one asked for cost their arithmetic only.
     */
    java.util.Optional<Frame> decode(byte[] payload, Predicate<String> wanted, boolean samples)
            throws CorruptFrameException {
        try {
            return decodeOrThrow(payload, wanted, samples);
        } catch (CorruptFrameException | RuntimeException e) {
            lost = true;
            throw e instanceof CorruptFrameException c ? c : new CorruptFrameException("undecodable values: " + e);
        }
    }

    private java.util.Optional<Frame> decodeOrThrow(byte[] payload, Predicate<String> wanted, boolean samples)
            throws CorruptFrameException {
        var in = new Bits.Reader(payload, 0, payload.length);
        boolean keyframe = (in.varint() & 1) != 0;
        if (keyframe) {
            reset();
            lost = false;
        } else if (lost) {
            return java.util.Optional.empty();
        }
        long time = keyframe ? in.varint() : previousTime + in.signed();
        previousTime = time;
        long newWords = in.varint();
        for (long i = 0; i < newWords; i++) {
            int length = (int) in.varint();
            in.align();
            int start = in.offset();
            in.skip(length);
            words.add(new String(in.bytes(), start, length, StandardCharsets.UTF_8));
        }
        long count = in.varint();
        List<UnitSample> units = new ArrayList<>();
        long expected = 0;
        for (long i = 0; i < count; i++) {
            long id = expected + in.signed();
            expected = id + 1;
            String unit = strings.word(id);
            int length = (int) in.varint();
            int start = in.offset();
            if (!wanted.test(unit)) {
                in.skip(length);
                continue;
            }
            in.skip(length);
            var body = new Bits.Reader(payload, start, length);
            SampleVector now = readBody(body, previous.getOrDefault(id, EMPTY));
            previous.put(id, now);
            if (samples) {
                units.add(now.toSample(unit, strings));
            }
        }
        return java.util.Optional.of(new Frame(Frame.ofMicros(time), units));
    }

    private static SampleVector readBody(Bits.Reader in, SampleVector before) throws CorruptFrameException {
        var now = new SampleVector();
        long mask = in.bit() ? in.bits(SampleVector.FIELDS) : before.mask();
        long[] a = before.values();
        long[] b = now.values();
        for (int g = 0; g + 1 < SampleVector.GROUPS.length; g++) {
            int from = SampleVector.GROUPS[g];
            int to = SampleVector.GROUPS[g + 1];
            boolean any = (mask & (((1L << (to - from)) - 1) << from)) != 0;
            boolean changed = any && in.bit();
            for (int f = from; f < to; f++) {
                if ((mask & (1L << f)) == 0) {
                    continue;
                }
                b[f] = changed && in.bit() ? a[f] + in.signed() : a[f];
            }
        }
        now.setMask(mask);
        return now;
    }
}
