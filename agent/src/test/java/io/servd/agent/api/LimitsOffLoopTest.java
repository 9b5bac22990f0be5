package io.servd.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.servd.agent.access.BearerToken;
import io.servd.agent.access.ControlGroup;
import io.servd.agent.access.PeerCredentials;
import io.servd.agent.access.WriteAccess;
import io.servd.agent.http.HttpApi;
import io.servd.agent.http.Reply;
import io.servd.agent.http.Routes;
import io.servd.agent.limits.CgroupfsLimitsApplier;
import io.servd.agent.limits.LimitsApplier;
import io.servd.agent.limits.LimitsPlan;
import io.servd.agent.units.UnitCgroup;
import io.servd.agent.units.UnitTree;
import io.servd.cgroup.CgroupLayout;
import io.servd.cgroup.CgroupWriter;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.unit.DropInWriter;
import io.servd.netpoll.EventLoops;
import io.servd.netpoll.LoopSizing;
import io.servd.netpoll.NetpollConfig;
import io.servd.netpoll.Server;
import io.servd.netpoll.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Applies run off the event loops, answer when done, and are journalled with who, unit and old → new. */
class LimitsOffLoopTest {
    static final String TOKEN = "0123456789abcdef0123456789abcdef";
    static final String PUT_BODY = "{\"MemoryMax\": \"32M\"}";

    @TempDir
    Path tmp;
    Path cgroupfs;
    EventLoops loops;

    @BeforeEach
    void tree() throws IOException {
        cgroupfs = Fixtures.copy("debian12-systemd252", Files.createDirectory(tmp.resolve("cgroup")));
        Files.writeString(tmp.resolve("group"), "root:x:0:\n");
        Files.writeString(tmp.resolve("passwd"), "root:x:0:0::/root:/bin/sh\n");
    }

    @AfterEach
    void stop() {
        if (loops != null) {
            loops.close();
        }
    }

    Routes routes(LimitsApplier applier, Executor executor) {
        var tree = new UnitTree(new CgroupRoot(cgroupfs));
        var access = new WriteAccess(Optional.of(BearerToken.of(TOKEN)),
                new ControlGroup(Optional.empty(), tmp.resolve("group"), tmp.resolve("passwd")));
        var context = new AgentContext(tree, Optional.of(new AgentContext.Self("/system.slice/foo.service", CgroupLayout.UNIFIED)),
                Optional.of(applier), Optional.of(AgentApiTest.HOST), access, new PrometheusRegistry(), executor);
        return AgentApi.register(Routes.builder(), context)
                .get("/healthz", request -> Reply.json(HttpResponseStatus.OK, Map.of("status", "ok")))
                .build();
    }

    @Test
    void aBlockedApplyDoesNotBlockHealthzOnTheSameLoop() throws Exception {
        var entered = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        LimitsApplier blocking = new LimitsApplier() {
            @Override
            public String name() {
                return "blocking";
            }

            @Override
            public void apply(LimitsPlan plan, Optional<UnitCgroup> cgroup) {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS); // a D-Bus call systemd does not answer
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        loops = EventLoops.start(Transport.detect(NetpollConfig.defaults()).transport(), LoopSizing.defaults(), 1);
        assertThat(loops.workerCount()).as("one event loop serves both connections").isEqualTo(1);
        Server server = loops.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new HttpApi(routes(blocking, AgentSetup.limitsExecutor())));

        try (Socket put = connect(server)) {
            byte[] body = PUT_BODY.getBytes(StandardCharsets.UTF_8);
            put.getOutputStream().write(("PUT /v1/units/foo.service/limits HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + TOKEN + "\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n" + PUT_BODY).getBytes(StandardCharsets.UTF_8));
            assertThat(entered.await(10, TimeUnit.SECONDS)).as("the apply started").isTrue();

            long start = System.nanoTime();
            String health;
            try (Socket get = connect(server)) {
                get.setSoTimeout(1_000); // a blocked loop would answer never
                get.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                health = readAll(get.getInputStream());
            }
            assertThat(health).startsWith("HTTP/1.1 200 ").contains("{\"status\":\"ok\"}");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);

            release.countDown();
            assertThat(readAll(put.getInputStream())).startsWith("HTTP/1.1 200 ").contains("\"applier\":\"blocking\"");
        }
    }

    @Test
    void aFullLimitsQueueAnswers503AtOnce() throws IOException {
        Path memoryMax = cgroupfs.resolve("system.slice/foo.service/memory.max");
        String before = Files.readString(memoryMax);
        Executor full = task -> {
            throw new RejectedExecutionException("queue full");
        };
        var r = Exchange.control(routes(new CgroupfsLimitsApplier(new CgroupWriter(), new DropInWriter(tmp)), full),
                Optional.of(new PeerCredentials(4242, 0, 0)),
                Exchange.put("/v1/units/foo.service/limits", "application/json", PUT_BODY));
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("Retry-After")).isEqualTo("1");
        assertThat(r.body()).contains("\"error\":\"limits busy\"");
        assertThat(memoryMax).hasContent(before);
    }

    @Test
    void aChangeIsJournalledWithWhoUnitAndOldAndNewValues() throws IOException {
        var logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(LimitsResource.class);
        var events = new ListAppender<ILoggingEvent>();
        events.start();
        logger.addAppender(events);
        Level level = logger.getLevel();
        logger.setLevel(Level.INFO);
        try {
            Path root = Files.createDirectory(tmp.resolve("root"));
            var r = Exchange.control(routes(new CgroupfsLimitsApplier(new CgroupWriter(), new DropInWriter(root)), Runnable::run),
                    Optional.of(new PeerCredentials(4242, 0, 0)),
                    Exchange.put("/v1/units/foo.service/limits", "application/json", PUT_BODY));
            assertThat(r.status()).isEqualTo(200);
        } finally {
            logger.detachAppender(events);
            logger.setLevel(level);
        }

        ILoggingEvent change = events.list.stream().filter(e -> e.getLevel() == Level.INFO).findFirst().orElseThrow();
        assertThat(change.getFormattedMessage()).contains("to [foo.service] via [cgroupfs]", "for [uid=0 pid=4242]",
                "memory.max [67108864 -> 33554432]");
        assertThat(change.getKeyValuePairs()).extracting(kv -> kv.key + "=" + kv.value)
                .contains("who=uid=0 pid=4242", "uid=0", "pid=4242", "unit=foo.service", "applier=cgroupfs",
                        "runtime=false", "memory_max_old=67108864", "memory_max_new=33554432");
    }

    @Test
    void anHttpChangeIsJournalledAsTheToken() {
        var logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(LimitsResource.class);
        var events = new ListAppender<ILoggingEvent>();
        events.start();
        logger.addAppender(events);
        try {
            var r = Exchange.http(routes(new CgroupfsLimitsApplier(new CgroupWriter(), new DropInWriter(tmp)), Runnable::run),
                    "PUT /v1/units/foo.service/limits HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TOKEN
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + PUT_BODY.length() + "\r\n\r\n" + PUT_BODY);
            assertThat(r.status()).isEqualTo(200);
        } finally {
            logger.detachAppender(events);
        }
        assertThat(events.list).flatExtracting(ILoggingEvent::getKeyValuePairs)
                .extracting(kv -> kv.key + "=" + kv.value).contains("who=token").noneMatch(s -> s.startsWith("uid="));
    }

    private static Socket connect(Server server) throws IOException {
        var socket = new Socket();
        socket.connect(server.localAddress(), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String readAll(InputStream in) throws IOException {
        var out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
