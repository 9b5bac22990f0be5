package io.servd.agent.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real writer process in the middle of its stream: every frame whose append had
 * returned reads back intact, at most the one being written is missing, and the store takes new
 * frames after it (the torn record cut off). Repeated: each run kills at another point of a write.
 */
class HistoryCrashTest {
    private static final int UNITS = 40;

    @TempDir
    Path dir;

    @RepeatedTest(3)
    void aKilledWriterLosesAtMostTheFrameItWasWriting(org.junit.jupiter.api.RepetitionInfo run) throws Exception {
        long seed = run.getCurrentRepetition();
        String java = ProcessHandle.current().info().command().orElse("java");
        Process writer = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                CrashWriter.class.getName(), dir.toString(), Integer.toString(UNITS), Long.toString(seed))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int acknowledged = -1;
        try (var lines = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.US_ASCII))) {
            // let it write past the first keyframe's run (180 frames), then kill it mid-stream
            int target = FrameCodec.KEYFRAME_EVERY + 10 + (int) seed * 23;
            for (String line; acknowledged < target && (line = lines.readLine()) != null; ) {
                acknowledged = Integer.parseInt(line);
            }
            // SIGKILL (the handle signals only; Process.destroyForcibly would close our end of its stdout too)
            writer.toHandle().destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // what it printed after the last line read was acknowledged too
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                acknowledged = Integer.parseInt(line);
            }
        }
        assertThat(writer.exitValue()).isEqualTo(137);
        assertThat(acknowledged).isGreaterThan(FrameCodec.KEYFRAME_EVERY);

        var host = new SyntheticHost(UNITS, Duration.ofSeconds(5), Instant.parse("2026-12-03T03:00:00Z"), seed);
        List<Frame> expected = new ArrayList<>();
        for (int i = 0; i <= acknowledged + 1; i++) {
            expected.add(FrameCodecTest.comparable(host.next()));
        }
        try (var store = HistoryStore.open(dir, Duration.ofDays(7), 1L << 30)) {
            List<Frame> read = new ArrayList<>();
            store.read(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), unit -> true, read::add);
            // every acknowledged frame, in order, intact; the one in flight there or not
            assertThat(read.size()).isBetween(acknowledged + 1, acknowledged + 2);
            assertThat(read).containsExactlyElementsOf(expected.subList(0, read.size()));
            Frame after = FrameCodecTest.comparable(new Frame(Instant.parse("2026-12-04T00:00:00Z"),
                    expected.get(0).units()));
            store.append(after);
            assertThat(store.stopCause()).isEmpty();
            assertThat(store.at(after.time())).contains(after);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.count()).isEqualTo(2);
        }
    }
}
