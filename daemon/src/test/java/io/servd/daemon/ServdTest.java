package io.servd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
            var config = new Config(dir.resolve("absent.conf"), Config.parseListen("127.0.0.1:0", "test"), "auto",
                    Duration.ofSeconds(5));
            var servd = new Servd(config, Map.of("NOTIFY_SOCKET", socket.toString()), ProcessHandle.current().pid());
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

    private static String receive(UnixDatagramChannel channel) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        channel.receive(buffer);
        buffer.flip();
        return StandardCharsets.UTF_8.decode(buffer).toString();
    }
}
