package io.servd.examples.greeter;

import io.servd.daemon.pressure.LoadShedder;
import io.servd.daemon.pressure.PressureOptions;
import io.servd.netpoll.DrainResult;
import io.servd.netpoll.EventLoops;
import io.servd.netpoll.NetpollConfig;
import io.servd.netpoll.Preference;
import io.servd.netpoll.Server;
import io.servd.netpoll.Transport;
import io.servd.cgroup.Cgroups;
import io.servd.cgroup.ProcessCgroup;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;
import io.servd.daemon.limits.LimitWatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class GreeterTest {

    static List<Preference> transports() {
        return Transport.all().stream().filter(Transport::isAvailable).map(Transport::preference).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void greetsOnRootAnd404Elsewhere(Preference transport) throws Exception {
        try (EventLoops loops = Greeter.start(NetpollConfig.defaults().withTransport(transport), 1)) {
            Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), Greeter.hello(LoadShedder.create(PressureOptions.defaults())));
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

            HttpResponse<String> hello = client.send(get(port, "/"), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> missing = client.send(get(port, "/nope"), HttpResponse.BodyHandlers.ofString());

            assertThat(hello.statusCode()).isEqualTo(200);
            assertThat(hello.body()).isEqualTo("Hello, World!");
            assertThat(hello.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
            assertThat(missing.statusCode()).isEqualTo(404);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void keepAliveConnectionIsClosedByDrainWhenIdle(Preference transport) throws Exception {
        EventLoops loops = Greeter.start(NetpollConfig.defaults().withTransport(transport), 1);
        Server server = loops.bind(new InetSocketAddress("127.0.0.1", 0), Greeter.hello(LoadShedder.create(PressureOptions.defaults())));
        try (Socket s = new Socket()) {
            s.connect(server.localAddress(), 5_000);
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String two = readUntil(s.getInputStream(), "Hello, World!Hello, World!".length());
            assertThat(two.split("HTTP/1.1 200 OK", -1)).hasSize(3);

            DrainResult drained = server.drain(Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
            loops.shutdownGracefully(Duration.ofSeconds(2), Duration.ofSeconds(15)).get(5, TimeUnit.SECONDS);

            assertThat(drained.forced()).isZero();
            assertThat(drained.took()).isLessThan(Duration.ofSeconds(1));
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    /** The cgroup module's captured VM tree (foo.service: CPUQuota=50%), seen from this module's directory. */
    private static final Path RESOURCES = Path.of("..", "..", "cgroup", "src", "test", "resources");

    @Test
    void loopsFollowTheCgroupsCpuLimit(@TempDir Path tmp) throws Exception {
        Path unit = Files.createDirectories(tmp.resolve("system.slice/foo.service"));
        Path captured = RESOURCES.resolve("cgroupfs/debian12-systemd252/system.slice/foo.service/cpu.max");
        Files.copy(captured, unit.resolve("cpu.max"));
        ProcessCgroup self = Cgroups.self(new ProcFs(RESOURCES.resolve("procfs/debian12-systemd252")), new CgroupRoot(tmp));
        var settings = LimitWatcher.Settings.defaults(2).withPollInterval(Duration.ofMillis(50));
        try (LimitWatcher limits = LimitWatcher.start(self, settings);
             EventLoops loops = Greeter.start(NetpollConfig.defaults().withTransport(Preference.NIO), limits)) {
            assertThat(loops.workerCount()).isEqualTo(1);
            CompletableFuture<Integer> resized = new CompletableFuture<>();
            limits.subscribe(change -> resized.complete(loops.workerCount()));

            Path next = Files.writeString(unit.resolve(".cpu.max"), "200000 100000\n"); // CPUQuota=200%
            Files.move(next, unit.resolve("cpu.max"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

            assertThat(resized).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(2);
        }
    }

    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build();
    }

    /** Reads until {@code bodies} bytes of body text have been seen in total (both responses). */
    private static String readUntil(InputStream in, int bodies) throws Exception {
        StringBuilder text = new StringBuilder();
        byte[] buf = new byte[4096];
        while (text.toString().replaceAll("(?s)HTTP/1.1.*?\r\n\r\n", "").length() < bodies) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            text.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
        }
        return text.toString();
    }
}
