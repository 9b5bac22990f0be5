package io.servd.servctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code servctl events}: the request, readable and raw lines, follow as a stream over both transports, caps, errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventsCommandTest {
    static final String OOM = "{\"id\":7,\"time\":\"2026-12-02T16:25:00Z\",\"unit\":\"hog.service\",\"type\":\"oom-kill\",\"delta\":1,\"total\":1}";
    static final String LIMITS = "{\"id\":8,\"time\":\"2026-12-02T16:26:00Z\",\"unit\":\"demo.service\",\"type\":\"limits-changed\","
            + "\"who\":\"uid=0 pid=42\",\"applier\":\"systemd-dbus\",\"properties\":\"[MemoryMax=50331648]\","
            + "\"changes\":{\"memory.max\":{\"old\":\"max\",\"new\":\"50331648\"}}}";

    @TempDir
    Path tmp;

    /** servctl's output so far, readable while the command still runs. */
    static final class Output extends StringWriter {
        @Override
        public synchronized void write(String str, int off, int len) {
            super.write(str, off, len);
        }

        @Override
        public synchronized String toString() {
            return super.toString();
        }
    }

    record Result(int exitCode, String out, String err, String request) {}

    static String chunk(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return Integer.toHexString(b.length) + "\r\n" + text + "\r\n";
    }

    /** Serves one exchange on {@code in}/{@code out}: the head, OOM, a heartbeat; after servctl printed it, LIMITS and the end. */
    static String serveFollow(InputStream in, OutputStream out, Supplier<String> printed) throws IOException {
        String request = readHead(in);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunk(OOM + "\n") + chunk("\n") + chunk(LIMITS.substring(0, 40))).getBytes(StandardCharsets.UTF_8));
        out.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!printed.get().contains("hog.service") && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // the first line must be printed before the rest of the body exists
        }
        out.write((chunk(LIMITS.substring(40) + "\n") + "0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return request;
    }

    static String readHead(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    Result run(Output out, String... args) {
        CommandLine cl = ServctlMain.commandLine(Run.isolated(tmp));
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString(), "");
    }

    @Test
    void followOverHttpPrintsEachLineAsItArrives() throws Exception {
        var out = new Output();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var request = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    return serveFollow(s.getInputStream(), s.getOutputStream(), out::toString);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Result r = run(out, "events", "--follow", "--since", "2026-12-02T16:00:00+01:00", "hog.service",
                    "--agent", "http://127.0.0.1:" + server.getLocalPort());
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(request.get(5, TimeUnit.SECONDS)).startsWith(
                    "GET /v1/events?unit=hog.service&since=2026-12-02T16%3A00%3A00%2B01%3A00&follow=1 HTTP/1.1\r\n");
            assertThat(r.out().lines().toList()).containsExactly(
                    "2026-12-02T16:25:00Z     hog.service                  oom-kill        delta=1 total=1",
                    "2026-12-02T16:26:00Z     demo.service                 limits-changed  who=\"uid=0 pid=42\""
                            + " applier=systemd-dbus properties=[MemoryMax=50331648] changes.memory.max.old=max"
                            + " changes.memory.max.new=50331648");
        }
    }

    @Test
    void followOverTheControlSocketWithJsonOutputPrintsTheAgentsLines() throws Exception {
        var out = new Output();
        Path socket = tmp.resolve("control.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            var request = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel c = server.accept()) {
                    return serveFollow(Channels.newInputStream(c), Channels.newOutputStream(c), out::toString);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Result r = run(out, "events", "-f", "--output", "json", "--socket", socket.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(request.get(5, TimeUnit.SECONDS)).startsWith("GET /v1/events?follow=1 HTTP/1.1\r\n");
            assertThat(r.out().lines().toList()).containsExactly(OOM, LIMITS);
        }
    }

    @Test
    void aLineOverTheCapFailsWithoutReadingItWhole() throws Exception {
        var out = new Output();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    readHead(s.getInputStream());
                    s.getOutputStream().write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + chunk("x".repeat(70_000))).getBytes(StandardCharsets.UTF_8));
                    s.getOutputStream().flush();
                    s.getInputStream().read(); // until servctl closes
                } catch (IOException e) {
                    // servctl closed first
                }
            });
            Result r = run(out, "events", "--agent", "http://127.0.0.1:" + server.getLocalPort());
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).contains("failed");
        }
    }

    @Test
    void anErrorAnswerHasTheExitCodeOfItsStatus() throws Exception {
        try (FakeAgent agent = new FakeAgent()) {
            agent.answer("GET /v1/events", 400, "{\"error\":\"bad request\",\"detail\":\"since: expected an event id"
                    + " or an ISO-8601 time such as [2026-12-02T16:25:00Z], got [garbage]\"}");
            Run r = Run.of(Run.isolated(tmp), "events", "--since", "garbage", "--agent", agent.url());
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("[garbage]").contains("HTTP 400");
            agent.answer("GET /v1/events", 503, "{\"error\":\"too many followers\",\"detail\":\"[16] clients follow\"}");
            assertThat(Run.of(Run.isolated(tmp), "events", "-f", "--agent", agent.url()).exitCode()).isEqualTo(1);
        }
    }

    @Test
    void aBadUnitNameIsRefusedLocally() {
        Run r = Run.of(Run.isolated(tmp), "events", "../etc");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("[../etc]");
    }

    @Test
    void lostAndUnknownLinesAreShownAsTheyCome() {
        assertThat(EventsCommand.format("{\"type\":\"lost\",\"lost\":12,\"after\":40,\"detail\":\"resume with since=40\"}"))
                .isEqualTo("-- 12 events lost: resume with since=40");
        assertThat(EventsCommand.format("not json")).isEqualTo("not json");
    }
}
