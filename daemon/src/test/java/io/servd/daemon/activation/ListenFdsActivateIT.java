package io.servd.daemon.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * systemd's own socket activation as the oracle: {@code systemd-socket-activate} binds the sockets,
 * sets LISTEN_PID/LISTEN_FDS/LISTEN_FDNAMES and execs a JVM that adopts them with {@link ListenFds}.
 */
class ListenFdsActivateIT {

    private static final Path ACTIVATE = Path.of("/usr/bin/systemd-socket-activate");

    @TempDir
    Path dir;

    @Test
    void adoptsSocketsPassedBySystemdSocketActivate() throws Exception {
        assumeTrue(Files.isExecutable(ACTIVATE), "systemd-socket-activate installed");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path control = dir.resolve("control.sock");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(ACTIVATE.toString(),
                "--listen=127.0.0.1:" + port, "--listen=" + control, "--fdname=http:control",
                java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=/dev/null", ListenFdsProbeMain.class.getName())
                .redirectErrorStream(true)
                .start();
        try {
            connectWhenListening(port, Duration.ofSeconds(20)); // the child is exec'd on first activity
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            List<String> lines = output.lines().filter(l -> l.matches("\\d+ .*|end")).toList();
            assertThat(lines).as(output).containsExactly(
                    "3 http socket=true cloexec=true",
                    "4 control socket=true cloexec=true",
                    "end");
        } finally {
            process.destroyForcibly();
        }
    }

    private static void connectWhenListening(int port, Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
