package io.servd.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code servd.jar} as an operator runs it in a terminal: a separate JVM, its output as
 * printed, its exit code. Runs after {@code package} (failsafe).
 */
class ServdProcessIT {
    private static final Path JAR = Path.of("target", "servd.jar");
    private static final Path ACTIVATE = Path.of("/usr/bin/systemd-socket-activate");

    @TempDir
    Path dir;

    @Test
    void portInUseIsOneClearErrorLineAndExitCodeOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            Process servd = start("--listen", address);
            assertThat(servd.waitFor(60, TimeUnit.SECONDS)).isTrue();
            List<String> output = Files.readAllLines(dir.resolve("out"), StandardCharsets.UTF_8);

            assertThat(servd.exitValue()).isEqualTo(1);
            assertThat(output).filteredOn(line -> line.contains("ERROR"))
                    .singleElement().asString().contains("cannot listen on [" + address + "]")
                    .containsIgnoringCase("address already in use");
            assertThat(output).as("no stack trace at the default level")
                    .noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception"));
        }
    }

    @Test
    void servesHealthzAndExitsZeroOnSigterm() throws Exception {
        int port = freePort();
        Process servd = start("--listen", "127.0.0.1:" + port);
        awaitLine("ready: serving on http://127.0.0.1:" + port, servd);

        var response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);

        long signalled = System.nanoTime();
        servd.destroy(); // SIGTERM on Linux
        assertThat(servd.waitFor(60, TimeUnit.SECONDS)).isTrue();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
        assertThat(servd.exitValue()).as("exit code after SIGTERM").isZero();
        assertThat(Files.readString(dir.resolve("out"))).contains("received [SIGTERM]").contains("stopped");
        System.out.printf("servd stopped [%d] ms after SIGTERM%n", tookMillis); // a figure for the issue note
    }

    @Test
    void socketActivatedHttpIsAdoptedNotBound() throws Exception {
        assumeTrue(Files.isExecutable(ACTIVATE), "systemd-socket-activate installed");
        int port = freePort();
        // systemd's own activation helper binds the socket and passes it as fd 3 named "http".
        Process servd = start(List.of(ACTIVATE.toString(), "-l", "127.0.0.1:" + port, "--fdname=http"),
                "--listen", "127.0.0.1:1");
        awaitListening(port);
        var response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        awaitLine("ready: serving on http://127.0.0.1:" + port, servd);
        assertThat(Files.readString(dir.resolve("out"))).contains("serving http on inherited fd [3]");
        servd.destroy();
        assertThat(servd.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(servd.exitValue()).isZero();
    }

    @Test
    void inheritedFdsOnNioAreOneClearStartupError() throws Exception {
        assumeTrue(Files.isExecutable(ACTIVATE), "systemd-socket-activate installed");
        int port = freePort();
        Process servd = start(List.of(ACTIVATE.toString(), "-l", "127.0.0.1:" + port, "--fdname=http"),
                "--transport", "nio");
        awaitListening(port); // the connection itself makes systemd-socket-activate start servd
        try (var trigger = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            assertThat(servd.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(servd.exitValue()).isEqualTo(1);
        assertThat(Files.readAllLines(dir.resolve("out"))).filteredOn(line -> line.contains("ERROR")).singleElement()
                .asString().contains("fd [3] named [http] cannot be served on transport [nio]");
    }

    /** Waits until systemd-socket-activate listens on {@code port}: our connect probe is then accepted. */
    private static void awaitListening(int port) throws Exception {
        for (int i = 0; i < 300; i++) {
            try (var probe = new java.net.Socket()) {
                probe.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
                return;
            } catch (java.net.ConnectException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("nothing listens on port [" + port + "]");
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private Process start(String... args) throws IOException {
        return start(List.of(), args);
    }

    private Process start(List<String> wrapper, String... args) throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("out").toFile())
                .start();
    }

    private void awaitLine(String fragment, Process process) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (Files.exists(dir.resolve("out")) && Files.readString(dir.resolve("out")).contains(fragment)) {
                return;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no [" + fragment + "] in:\n" + Files.readString(dir.resolve("out")));
    }
}
