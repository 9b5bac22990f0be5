package io.servd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import io.servd.agent.config.Config;
import io.servd.agent.config.ConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;

/**
 * One whole run of servd in this JVM, under a fake systemd: a real datagram socket as NOTIFY_SOCKET,
 * a real HTTP request, and a real SIGTERM raised at this process.
 */
class ServdTest {
    private static final Pattern SERVING = Pattern.compile("STATUS=serving on (http://\\S+)");

    @TempDir
    Path dir;

    @Test
    void readyOnlyWhenServingThenStopsCleanlyOnSigterm() throws Exception {
        Path socket = dir.resolve("notify");
        try (UnixDatagramChannel systemd = UnixDatagramChannel.open()) {
            systemd.bind(new UnixSocketAddress(socket.toString()));
            systemd.setOption(UnixSocketOptions.SO_RCVTIMEO, 20_000);
            var config = Config.defaults().withHttpListen(Config.parseListen("127.0.0.1:0", "test"));
            var servd = new Servd(() -> config, Map.of("NOTIFY_SOCKET", socket.toString()), ProcessHandle.current().pid());
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(servd::run);

            String ready = receive(systemd);
            assertThat(ready).startsWith("READY=1\n");
            var matcher = SERVING.matcher(ready);
            assertThat(matcher.find()).as("STATUS line in [%s]", ready).isTrue();
            // READY=1 came first: the listener must already accept.
            var client = HttpClient.newHttpClient();
            var health = client.send(HttpRequest.newBuilder(URI.create(matcher.group(1) + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}\n");
            var readyz = client.send(HttpRequest.newBuilder(URI.create(matcher.group(1) + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(readyz.statusCode()).isEqualTo(200);

            Signal.raise(new Signal("TERM"));
            assertThat(receive(systemd)).isEqualTo("STOPPING=1\nSTATUS=stopping after SIGTERM: draining");
            assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void reloadAppliesAChangedListenAddressAndRefusesABrokenFileWhileServing() throws Exception {
        int first = freePort();
        int second = freePort();
        Path file = dir.resolve("servd.conf");
        Files.writeString(file, "[HTTP]\nListen=127.0.0.1:" + first + "\n");
        Path socket = dir.resolve("notify");
        try (UnixDatagramChannel systemd = UnixDatagramChannel.open()) {
            systemd.bind(new UnixSocketAddress(socket.toString()));
            systemd.setOption(UnixSocketOptions.SO_RCVTIMEO, 20_000);
            var servd = new Servd(() -> ConfigFile.load(file, Config.defaults()),
                    Map.of("NOTIFY_SOCKET", socket.toString()), ProcessHandle.current().pid());
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(servd::run);
            assertThat(receive(systemd)).isEqualTo("READY=1\nSTATUS=serving on http://127.0.0.1:" + first);

            Files.writeString(file, "[HTTP]\nListen=127.0.0.1:" + second + "\n");
            Signal.raise(new Signal("HUP"));
            assertThat(receive(systemd)).matches("RELOADING=1\nMONOTONIC_USEC=[0-9]+");
            assertThat(receive(systemd)).isEqualTo("READY=1\nSTATUS=serving on http://127.0.0.1:" + second);
            assertThat(get(second, "/healthz")).isEqualTo(200);

            Files.writeString(file, "[HTTP]\nListen=127.0.0.1:" + first + "\n[Log]\nLevel=chatty\n");
            Signal.raise(new Signal("HUP"));
            assertThat(receive(systemd)).startsWith("RELOADING=1\n");
            assertThat(receive(systemd)).isEqualTo("READY=1\nSTATUS=serving on http://127.0.0.1:" + second
                    + " (last reload refused: see the journal)");
            assertThat(get(second, "/healthz")).as("the running configuration keeps serving").isEqualTo(200);

            Signal.raise(new Signal("TERM"));
            assertThat(receive(systemd)).startsWith("STOPPING=1\n");
            assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void tokenFromACredentialAdmitsWritesAndAReloadThatWouldRefuseItIsRefused() throws Exception {
        int port = freePort();
        String token = "0123456789abcdef0123456789abcdef";
        Path credentials = Files.createDirectory(dir.resolve("credentials"));
        Path credential = Files.writeString(credentials.resolve("servd-token"), token + "\n");
        Files.setPosixFilePermissions(credential, java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
        Path file = dir.resolve("servd.conf");
        Files.writeString(file, "[HTTP]\nListen=127.0.0.1:" + port + "\nTokenCredential=servd-token\n");
        Path socket = dir.resolve("notify");
        try (UnixDatagramChannel systemd = UnixDatagramChannel.open()) {
            systemd.bind(new UnixSocketAddress(socket.toString()));
            systemd.setOption(UnixSocketOptions.SO_RCVTIMEO, 20_000);
            var servd = new Servd(() -> ConfigFile.load(file, Config.defaults()),
                    Map.of("NOTIFY_SOCKET", socket.toString(), "CREDENTIALS_DIRECTORY", credentials.toString()),
                    ProcessHandle.current().pid());
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(servd::run);
            assertThat(receive(systemd)).isEqualTo("READY=1\nSTATUS=serving on http://127.0.0.1:" + port);
            // a dry run: authorised like a change, and changes nothing on this host
            assertThat(dryRun(port, token)).isEqualTo(200);
            assertThat(dryRun(port, "wrong-" + token)).isEqualTo(401);

            Files.setPosixFilePermissions(credential, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Signal.raise(new Signal("HUP"));
            assertThat(receive(systemd)).startsWith("RELOADING=1\n");
            assertThat(receive(systemd)).isEqualTo("READY=1\nSTATUS=serving on http://127.0.0.1:" + port
                    + " (last reload refused: see the journal)");
            assertThat(dryRun(port, token)).as("the token in force stays").isEqualTo(200);

            Signal.raise(new Signal("TERM"));
            assertThat(receive(systemd)).startsWith("STOPPING=1\n");
            assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        }
    }

    private static int dryRun(int port, String token) throws Exception {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/units/foo.service/limits"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"MemoryMax\": \"64M\", \"dryRun\": true}")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int freePort() throws Exception {
        try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static String receive(UnixDatagramChannel channel) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        channel.receive(buffer);
        buffer.flip();
        return StandardCharsets.UTF_8.decode(buffer).toString();
    }
}
