package io.servd.examples.greeter;

import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged greeter as its users run it: {@code java -jar greeter.jar --port=N}. */
@EnabledOnOs(OS.LINUX)
class GreeterIT {
    private static final Pattern LISTENING = Pattern.compile("listening on \\[127\\.0\\.0\\.1:(\\d+)] transport \\[(\\w+)]");
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void servesOnLoopbackAndStopsPromptlyOnSigterm() throws Exception {
        Process greeter = start("--port=0");
        BufferedReader out = new BufferedReader(new InputStreamReader(greeter.getInputStream(), StandardCharsets.UTF_8));
        Matcher m = listening(out);
        assertThat(m.find()).isTrue();
        assertThat(m.group(2)).as("transport on linux x86_64").isEqualTo("epoll");

        HttpResponse<String> hello = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + m.group(1) + "/")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(hello.body()).isEqualTo("Hello, World!");

        long t0 = System.nanoTime();
        greeter.destroy(); // SIGTERM
        assertThat(greeter.waitFor(2, TimeUnit.SECONDS)).as("exited within 2 s").isTrue();
        assertThat(greeter.exitValue()).as("128 + SIGTERM after the shutdown hook").isEqualTo(143);
        System.out.printf("greeter stop after SIGTERM: %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    @Test
    void portInUseIsOneLineAndExitCodeOne() throws Exception {
        Process first = start("--port=0");
        Matcher m = listening(new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8)));
        assertThat(m.find()).isTrue();

        Process second = start("--port=" + m.group(1));
        assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(second.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(second.exitValue()).isEqualTo(1);
        assertThat(stderr.strip()).isEqualTo("greeter: cannot bind [127.0.0.1:" + m.group(1) + "]: Address already in use");
    }

    @Test
    void sendsReadyAndStatusToNotifySocketOnceListening(@TempDir Path dir) throws Exception {
        String notifySocket = dir.resolve("notify.sock").toString();
        try (UnixDatagramChannel systemd = UnixDatagramChannel.open()) { // a fake systemd is a real socket
            systemd.bind(new UnixSocketAddress(notifySocket));
            systemd.setOption(UnixSocketOptions.SO_RCVTIMEO, 60_000);
            Process greeter = start(Map.of("NOTIFY_SOCKET", notifySocket), "--port=0");
            Matcher m = listening(new BufferedReader(new InputStreamReader(greeter.getInputStream(), StandardCharsets.UTF_8)));
            assertThat(m.find()).isTrue();

            ByteBuffer datagram = ByteBuffer.allocate(4096);
            systemd.receive(datagram);

            assertThat(new String(datagram.array(), 0, datagram.position(), StandardCharsets.UTF_8))
                    .isEqualTo("READY=1\nSTATUS=listening on [127.0.0.1:" + m.group(1) + "] transport [epoll]");
        }
    }

    private Process start(String... flags) throws Exception {
        return start(Map.of(), flags);
    }

    private Process start(Map<String, String> env, String... flags) throws Exception {
        Path jar = Path.of(System.getProperty("greeter.jar", "target/greeter.jar"));
        assertThat(jar).exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar.toString()));
        command.addAll(List.of(flags));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("NOTIFY_SOCKET"); // never notify the service manager running the build
        builder.environment().putAll(env);
        Process p = builder.start();
        started.add(p);
        return p;
    }

    /**
     * The "listening on" line, after the start-up lines before it (the event-loop sizing line); a matcher
     * that does not match if the output ended first.
     */
    private static Matcher listening(BufferedReader out) throws java.io.IOException {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (LISTENING.matcher(line).find()) {
                return LISTENING.matcher(line); // not yet found: the caller's find() matches it
            }
        }
        return LISTENING.matcher("");
    }
}
