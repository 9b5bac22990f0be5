package io.servd.agent.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.agent.units.ActiveState;
import io.servd.agent.units.UnitCgroup;
import io.servd.agent.units.UnitState;
import io.servd.agent.units.UnitTree;
import io.servd.cgroup.CgroupReader;
import io.servd.cgroup.fs.CgroupRoot;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameCodecTest {
    private static final Instant START = Instant.parse("2026-12-03T03:00:00Z");

    @Test
    void framesDecodeToWhatWasRecordedAcrossKeyframes() throws Exception {
        var host = new SyntheticHost(20, Duration.ofSeconds(5), START, 1);
        var writer = new FrameCodec();
        var reader = new FrameCodec();
        for (int i = 0; i < FrameCodec.KEYFRAME_EVERY * 2 + 7; i++) {
            Frame frame = host.next();
            byte[] payload = writer.encode(frame);
            assertThat(FrameCodec.isKeyframe(payload)).isEqualTo(i % FrameCodec.KEYFRAME_EVERY == 0);
            assertThat(reader.decode(payload, unit -> true)).contains(comparable(frame));
        }
    }

    @Test
    void unitsComeGoAndChangeShape() throws Exception {
        var host = new SyntheticHost(3, Duration.ofSeconds(5), START, 2);
        var writer = new FrameCodec();
        var reader = new FrameCodec();
        List<Frame> frames = new ArrayList<>();
        Frame a = host.next();
        frames.add(a);
        // a unit with a state and no cgroup (failed), then one with a cgroup and no state
        var failed = new UnitSample("crashed.service", Optional.empty(), Optional.of(UnitState.of("crashed.service",
                ActiveState.FAILED, "failed").withResult(Optional.of("oom-kill"))));
        frames.add(new Frame(START.plusSeconds(5), List.of(host.next().units().get(0), failed)));
        var bare = host.next().units().get(2);
        frames.add(new Frame(START.plusSeconds(10), List.of(new UnitSample(bare.unit(), bare.cgroup(), Optional.empty()))));
        frames.add(new Frame(START.plusSeconds(15), List.of()));
        frames.add(host.next());
        for (Frame f : frames) {
            assertThat(reader.decode(writer.encode(f), unit -> true)).contains(comparable(f));
        }
    }

    @Test
    void unitsNotWantedAreSkippedAndTheWantedOnesStillDecode() throws Exception {
        var host = new SyntheticHost(50, Duration.ofSeconds(5), START, 3);
        var writer = new FrameCodec();
        var reader = new FrameCodec();
        for (int i = 0; i < 30; i++) {
            Frame frame = host.next();
            Frame one = reader.decode(writer.encode(frame), "synthetic-17.service"::equals).orElseThrow();
            assertThat(one.units()).containsExactly(comparable(frame).units().get(17));
            assertThat(one.time()).isEqualTo(frame.time());
        }
    }

    @Test
    void anUnchangedUnitCostsFourBytes() {
        var host = new SyntheticHost(100, Duration.ofSeconds(5), START, 4);
        var writer = new FrameCodec();
        Frame frame = host.next();
        int first = writer.encode(frame).length;
        int same = writer.encode(new Frame(START.plusSeconds(5), frame.units())).length;
        // the frame: flags, the time's difference (4 bytes for 5 s), no new words, the unit count;
        // each unit: its id, its length, a bit for its mask and one for each of its ten groups
        assertThat(same).isEqualTo(1 + 4 + 1 + 1 + 100 * (1 + 1 + 2));
        assertThat(first).isGreaterThan(100 * 60);
    }

    @Test
    void afterALostRecordFramesAreSkippedUntilTheNextKeyframe() throws Exception {
        var host = new SyntheticHost(5, Duration.ofSeconds(5), START, 5);
        var writer = new FrameCodec();
        var reader = new FrameCodec();
        reader.decode(writer.encode(host.next()), unit -> true);
        writer.encode(host.next()); // lost
        reader.lose();
        for (int i = 2; i < FrameCodec.KEYFRAME_EVERY; i++) {
            assertThat(reader.decode(writer.encode(host.next()), unit -> true)).isEmpty();
        }
        Frame key = host.next();
        assertThat(reader.decode(writer.encode(key), unit -> true)).contains(comparable(key));
    }

    /**
     * The recorder reads only {@link SampleVector#FILES}: what it keeps of every unit of a captured
     * host is what it would keep of a full snapshot, so no field is left unread.
     */
    @ParameterizedTest
    @ValueSource(strings = {"debian12-systemd252", "v2-service-synthetic", "debian12-slice-limited"})
    void theFilesTheRecorderReadsAreAllThatIsKept(String scenario) throws Exception {
        Path cgroupfs = Path.of("..", "cgroup", "src", "test", "resources", "cgroupfs", scenario);
        List<UnitCgroup> units = new UnitTree(new CgroupRoot(cgroupfs)).list();
        var full = new CgroupReader(() -> 42L);
        var recorded = new CgroupReader(() -> 42L, SampleVector.FILES);
        assertThat(units).hasSizeGreaterThan(2);
        for (UnitCgroup u : units) {
            Frame all = new Frame(START, List.of(new UnitSample(u.unit(), Optional.of(full.read(u.dir())), Optional.empty())));
            Frame some = new Frame(START, List.of(new UnitSample(u.unit(), Optional.of(recorded.read(u.dir())),
                    Optional.empty())));
            assertThat(comparable(some)).as(u.unit()).isEqualTo(comparable(all));
        }
    }

    /** What the store keeps of {@code frame}: the round trip through a vector. */
    static Frame comparable(Frame frame) {
        List<UnitSample> kept = new ArrayList<>();
        var words = new ArrayList<String>();
        SampleVector.Strings strings = new SampleVector.Strings() {
            @Override
            public long id(String word) {
                if (!words.contains(word)) {
                    words.add(word);
                }
                return words.indexOf(word);
            }

            @Override
            public String word(long id) {
                return words.get((int) id);
            }
        };
        for (UnitSample u : frame.units()) {
            kept.add(new SampleVector().fill(u, strings).toSample(u.unit(), strings));
        }
        return new Frame(frame.time(), kept);
    }
}
