package io.servd.daemon.pressure;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.cgroup.MemoryController;
import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupRoot;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch thread end to end: systemd's environment, a real FIFO, a temp-dir cgroup. */
class PressureWatchTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path root;
    private final FakeRelief relief = new FakeRelief();
    private final LoadShedder shedder = new LoadShedder(
            PressureOptions.defaults().withSampleInterval(Duration.ofMillis(20)), relief, System::nanoTime);

    private MemoryController cgroup(long currentMib, String max) throws IOException {
        Path dir = Files.createDirectories(root.resolve("cg/greeter.service"));
        Files.writeString(dir.resolve("memory.current"), Long.toString(currentMib * MIB) + "\n");
        Files.writeString(dir.resolve("memory.high"), "max\n");
        Files.writeString(dir.resolve("memory.max"), max + "\n");
        return MemoryController.of(new CgroupDir(new CgroupRoot(root.resolve("cg")), "/greeter.service"));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void systemdsFifoDeliversEventsThatGiveBackThenShed() throws Exception {
        Path fifo = root.resolve("memory.pressure.fifo");
        assertThat(POSIXFactory.getNativePOSIX().mkfifo(fifo.toString(), 0600)).isZero();
        var env = Map.of(PressureWatch.WATCH, fifo.toString(),
                PressureWatch.WRITE, Base64.getEncoder().encodeToString("some 200000 2000000\0".getBytes(StandardCharsets.US_ASCII)));
        try (PressureWatch watch = PressureWatch.start(shedder, env, Optional.empty(), Optional.empty());
             OutputStream systemd = Files.newOutputStream(fifo)) {
            assertThat(watch.watching()).contains(fifo);

            systemd.write('1');
            systemd.flush();
            await(() -> relief.reasons.contains("memory pressure"));
            assertThat(shedder.isShedding()).isFalse();

            systemd.write('2');
            systemd.flush();
            await(shedder::isShedding);
            assertThat(shedder.status().reason()).contains("memory pressure persists after giving back");
        }
    }

    @Test
    void memoryCurrentAgainstMemoryMaxIsSampledFromTheCgroup() throws Exception {
        MemoryController memory = cgroup(60, Long.toString(64 * MIB)); // above 0.9 x 64 MiB
        relief.after = u -> u; // giving back frees nothing
        try (PressureWatch watch = PressureWatch.start(shedder, Map.of(PressureWatch.WATCH, "/dev/null"),
                Optional.of(memory), Optional.empty())) {
            assertThat(watch.watching()).isEmpty();
            relief.usage = 60 * MIB;
            await(shedder::isShedding);

            // memory.max raised live, as `systemctl set-property --runtime … MemoryMax=128M` does
            Files.writeString(root.resolve("cg/greeter.service/memory.max"), Long.toString(128 * MIB) + "\n");
            await(() -> !shedder.isShedding());
        }
    }

    @Test
    void withoutSystemdTheOwnPressureFileGetsTheConfiguredTrigger() throws Exception {
        Path fifo = root.resolve("own.memory.pressure");
        assertThat(POSIXFactory.getNativePOSIX().mkfifo(fifo.toString(), 0600)).isZero();
        try (PressureWatch watch = PressureWatch.start(shedder, Map.of(), Optional.empty(), Optional.of(fifo))) {
            assertThat(watch.watching()).contains(fifo);
        }
    }

    @Test
    void closingEndsTheThreadAtOnce() throws Exception {
        var slow = new LoadShedder(PressureOptions.defaults().withSampleInterval(Duration.ofHours(1)), relief,
                System::nanoTime);
        PressureWatch watch = PressureWatch.start(slow, Map.of(), Optional.empty(), Optional.empty());
        long started = System.nanoTime();

        watch.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        watch.close(); // idempotent
    }
}
