package io.servd.daemon.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            // systemd-socket-activate reports each socket once it listens ("Listening on ... as 3.")
            // and execs the child on the first activity
            StringBuilder listening = new StringBuilder();
            for (int sockets = 0; sockets < 2; ) {
                String line = out.readLine();
                assertThat(line).as("systemd-socket-activate ended before listening:%n%s", listening).isNotNull();
                listening.append(line).append('\n');
                sockets += line.startsWith("Listening on ") ? 1 : 0;
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            }
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = listening + out.lines().collect(Collectors.joining("\n"));

            List<String> lines = output.lines().filter(l -> l.matches("\\d+ .*|end")).toList();
            assertThat(lines).as(output).containsExactly(
                    "3 http socket=true cloexec=true",
                    "4 control socket=true cloexec=true",
                    "end");
        } finally {
            process.destroyForcibly();
        }
    }
}
