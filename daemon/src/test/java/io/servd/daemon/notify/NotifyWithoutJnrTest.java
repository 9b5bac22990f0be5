package io.servd.daemon.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The point of the Netty path, checked in a JVM of its own: READY=1 and STATUS= reach a real receiver
 * without one class of jnr-ffi, jnr-posix, jnr-unixsocket or jnr-enxio loaded (jffi's fcntl, for
 * FD_CLOEXEC, is allowed). A class-load log in the 2026-12-04 bench run showed ~450 of them before.
 */
class NotifyWithoutJnrTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"path", "abstract"})
    void plainMessagesLoadNoJnr(String kind) throws Exception {
        assumeTrue(Epoll.isAvailable(), "netty's epoll library loads here");
        String address = kind.equals("path") ? dir.resolve("notify").toString() : "@servd-test/" + UUID.randomUUID();
        Path classes = dir.resolve("classes.log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try (FakeSystemd systemd = FakeSystemd.bind(address)) {
            Process probe = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                    "-Xlog:class+load=info:file=" + classes, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    NotifyProbeMain.class.getName(), address)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("probe.out").toFile())
                    .start();
            assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(probe.exitValue()).as(Files.readString(dir.resolve("probe.out"))).isZero();

            assertThat(systemd.receive().text()).isEqualTo("READY=1\nSTATUS=probe");
            assertThat(systemd.receive().text()).isEqualTo("STATUS=again");
        }
        List<String> loaded = Files.readAllLines(classes, StandardCharsets.UTF_8);
        assertThat(loaded).anySatisfy(line -> assertThat(line).contains(" io.netty.channel.unix.Socket "));
        assertThat(loaded).noneSatisfy(line -> assertThat(line).containsPattern(" jnr\\.[a-z]+\\."));
    }
}
