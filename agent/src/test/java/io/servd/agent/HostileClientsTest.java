package io.servd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.servd.agent.config.Config;
import io.servd.agent.config.HttpLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Issue 12's hostile local clients against one live servd in this JVM, on 127.0.0.1 only, every
 * loop bounded in count and time: the unauthenticated body flood, half-sent heads, and the
 * malformed-request corpus. The agent's log is captured: no ERROR, no stack trace.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class HostileClientsTest {
    /** The issue's 1,500: 2 fds each in this JVM (client and server side), well under the fd limit. */
    private static final int FLOOD = 1500;
    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);
    private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3}) ");

    private static final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private static UnixDatagramChannel systemd;
    private static CompletableFuture<Integer> exit;
    private static InetSocketAddress address;

    @BeforeAll
    static void start(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        log.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(log);
        int port;
        try (var probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        var config = Config.defaults().withHttpListen(address).withHttpLimits(HttpLimits.defaults()
                .withHeaderTimeout(HEADER_TIMEOUT).withReadTimeout(HEADER_TIMEOUT));
        var socket = dir.resolve("notify");
        systemd = UnixDatagramChannel.open();
        systemd.bind(new UnixSocketAddress(socket.toString()));
        systemd.setOption(UnixSocketOptions.SO_RCVTIMEO, 20_000);
        var servd = new Servd(() -> config, Map.of("NOTIFY_SOCKET", socket.toString()), ProcessHandle.current().pid());
        exit = CompletableFuture.supplyAsync(servd::run);
        ByteBuffer ready = ByteBuffer.allocate(4096);
        systemd.receive(ready);
        assertThat(new String(ready.array(), 0, ready.position(), StandardCharsets.UTF_8)).startsWith("READY=1");
    }

    @AfterAll
    static void stop() throws Exception {
        Signal.raise(new Signal("TERM"));
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        systemd.close();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(log);
        List<ILoggingEvent> bad = log.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null).toList();
        assertThat(bad).as("errors or stack traces in the agent's log").isEmpty();
        long warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
        System.out.println("agent log: " + log.list.size() + " lines, " + warnings + " WARN");
    }

    /** The issue's flood (a declared 64 KiB body: 413 on the head), and one under the cap (403 on the head). */
    @org.junit.jupiter.params.ParameterizedTest(name = "Content-Length: {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {65536, 4000})
    void unauthenticatedBodyFloodNeverStarvesHealthz(int contentLength) throws Exception {
        byte[] head = ("PUT /v1/units/a.service/limits HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + contentLength + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[Math.min(65_000, contentLength)];
        var probes = new ConcurrentLinkedQueue<Optional<Integer>>();
        var prober = Executors.newSingleThreadScheduledExecutor();
        var slowest = new java.util.concurrent.atomic.AtomicLong();
        // The probe keeps one connection, as a scraper or a health checker does: what is measured is
        // whether the event loops keep answering. A fresh connection per probe would measure the
        // kernel's accept queue, which 1,500 simultaneous connects overflow: a dropped SYN is
        // retried after 1 s whatever servd does.
        var monitor = new KeepAliveProbe(address);
        prober.scheduleWithFixedDelay(() -> {
            long t0 = System.nanoTime();
            probes.add(monitor.healthz());
            slowest.accumulateAndGet(System.nanoTime() - t0, Math::max);
        }, 0, 50, TimeUnit.MILLISECONDS);
        List<SocketChannel> flood = new ArrayList<>(FLOOD);
        long sent = 0;
        try {
            for (int i = 0; i < FLOOD; i++) {
                SocketChannel ch = SocketChannel.open(address);
                ch.configureBlocking(false);
                flood.add(ch);
                try {
                    sent += ch.write(ByteBuffer.wrap(head)) + ch.write(ByteBuffer.wrap(body)); // as much as fits
                } catch (IOException e) {
                    // refused and closed already: the answer is read below
                }
            }
            Map<String, Integer> outcomes = collect(flood, Duration.ofSeconds(30));
            prober.shutdown();
            assertThat(prober.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            System.out.printf("flood: %d connections, %d MB sent, outcomes %s, %d healthz probes, slowest %d ms%n",
                    FLOOD, sent >> 20, outcomes, probes.size(), TimeUnit.NANOSECONDS.toMillis(slowest.get()));
            assertThat(outcomes.keySet()).as("every flood connection answered 401/403/413/503 or closed")
                    .isSubsetOf("401", "403", "413", "503", "closed");
            assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(FLOOD);
            assertThat(probes).as("healthz during the flood, each within %s", ANSWER_WITHIN)
                    .isNotEmpty().allMatch(p -> p.equals(Optional.of(200)));
            assertThat(healthz()).as("healthz right after the flood").contains(200);
        } finally {
            prober.shutdownNow();
            monitor.close();
            for (SocketChannel ch : flood) {
                ch.close();
            }
        }
    }

    @Test
    void halfSentHeadsAreAnswered408AndClosed() throws Exception {
        List<SocketChannel> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                SocketChannel ch = SocketChannel.open(address);
                ch.write(ByteBuffer.wrap("GET /healthz HTTP/1.1\r\nHost: loc".getBytes(StandardCharsets.US_ASCII)));
                ch.configureBlocking(false);
                slow.add(ch);
            }
            assertThat(healthz()).as("a slot is left for healthz").contains(200);
            Map<String, Integer> outcomes = collect(slow, HEADER_TIMEOUT.plusSeconds(20));
            assertThat(outcomes).isEqualTo(Map.of("408", 100));
        } finally {
            for (SocketChannel ch : slow) {
                ch.close();
            }
        }
    }

    @Test
    void malformedRequestCorpusGetsCleanJsonRefusals() throws Exception {
        String file = Files.readString(MalformedRequests.FILE, StandardCharsets.ISO_8859_1);
        assertThat(file).as("the committed corpus is what MalformedRequests generates").isEqualTo(MalformedRequests.generate());
        List<String> cases = file.lines().filter(l -> !l.startsWith("#")).toList();
        var pool = Executors.newFixedThreadPool(16);
        var results = new ArrayList<CompletableFuture<String>>();
        for (String c : cases) {
            results.add(CompletableFuture.supplyAsync(() -> check(c), pool));
        }
        var byStatus = new TreeMap<String, Integer>();
        var failures = new ArrayList<String>();
        for (int i = 0; i < cases.size(); i++) {
            String r = results.get(i).get(30, TimeUnit.SECONDS);
            if (r.startsWith("FAIL")) {
                failures.add(r + " for [" + cases.get(i) + "]");
            } else {
                byStatus.merge(r, 1, Integer::sum);
            }
        }
        pool.shutdown();
        System.out.println("corpus: " + cases.size() + " requests, answers " + byStatus);
        assertThat(failures).isEmpty();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(300);
        assertThat(byStatus.keySet()).allMatch(s -> !s.startsWith("5") || s.equals("503") || s.equals("505"));
    }

    /** One corpus case: the status of its first final answer, or FAIL and why. */
    private static String check(String escaped) {
        byte[] request = MalformedRequests.unescape(escaped);
        boolean head = escaped.startsWith("HEAD ");
        try (Socket s = new Socket()) {
            s.connect(address, 5_000);
            s.setSoTimeout(10_000);
            try {
                s.getOutputStream().write(request);
            } catch (IOException e) {
                // the server answered and closed before taking everything: read its answer
            }
            InputStream in = s.getInputStream();
            while (true) {
                String headText = readHead(in);
                if (headText == null) {
                    return "FAIL: closed without an answer";
                }
                Matcher m = STATUS.matcher(headText);
                if (!m.find()) {
                    return "FAIL: no status line in [" + headText + "]";
                }
                int status = Integer.parseInt(m.group(1));
                if (status / 100 == 1) {
                    continue; // 100 Continue: the final answer follows
                }
                Matcher length = Pattern.compile("(?im)^content-length: *(\\d+)").matcher(headText);
                if (!length.find()) {
                    return "FAIL: no Content-Length in [" + headText + "]";
                }
                if (head) { // no body on the wire: the type and the length it would have
                    boolean json = headText.toLowerCase().contains("content-type: application/json");
                    return status < 400 || json && !length.group(1).equals("0") ? Integer.toString(status)
                            : "FAIL: [" + status + "] to HEAD without the JSON type or length: [" + headText + "]";
                }
                byte[] body = in.readNBytes(Integer.parseInt(length.group(1)));
                if (status >= 400 && !isErrorShape(headText, body)) {
                    return "FAIL: [" + status + "] not in the JSON error shape: [" + new String(body, StandardCharsets.UTF_8) + "]";
                }
                return Integer.toString(status);
            }
        } catch (IOException e) {
            return "FAIL: " + e;
        }
    }

    private static boolean isErrorShape(String head, byte[] body) throws IOException {
        if (!head.toLowerCase().contains("content-type: application/json")) {
            return false;
        }
        try (JsonParser p = new JsonFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            List<String> names = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                names.add(p.currentName());
                if (p.nextToken() != JsonToken.VALUE_STRING) {
                    return false;
                }
            }
            return names.equals(List.of("error", "detail")) && p.nextToken() == null;
        }
    }

    /** The response head up to the blank line, or null at end of stream before one. */
    private static String readHead(InputStream in) throws IOException {
        var out = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; (b = in.read()) >= 0; ) {
            out.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return out.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    /** GET /healthz again and again on one keep-alive connection, each answer within {@link #ANSWER_WITHIN}. */
    private static final class KeepAliveProbe implements AutoCloseable {
        private static final Pattern LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)");
        private final Socket socket = new Socket();
        private final InetSocketAddress address;

        KeepAliveProbe(InetSocketAddress address) {
            this.address = address;
        }

        /** The status, empty when no answer came within {@link #ANSWER_WITHIN} (the connection is then dropped). */
        Optional<Integer> healthz() {
            try {
                if (!socket.isConnected()) {
                    socket.connect(address, (int) ANSWER_WITHIN.toMillis());
                    socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
                }
                socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String head = readHead(socket.getInputStream());
                Matcher status = head == null ? null : STATUS.matcher(head);
                Matcher length = head == null ? null : LENGTH.matcher(head);
                if (status == null || !status.find() || !length.find()) {
                    close();
                    return Optional.empty();
                }
                socket.getInputStream().readNBytes(Integer.parseInt(length.group(1)));
                return Optional.of(Integer.parseInt(status.group(1)));
            } catch (IOException e) {
                close();
                return Optional.empty();
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a probe connection: nothing to report
            }
        }
    }

    /** GET /healthz on a fresh connection: the status, empty when no answer came within {@link #ANSWER_WITHIN}. */
    private static Optional<Integer> healthz() {
        try (Socket s = new Socket()) {
            s.connect(address, (int) ANSWER_WITHIN.toMillis());
            s.setSoTimeout((int) ANSWER_WITHIN.toMillis());
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String head = readHead(s.getInputStream());
            Matcher m = head == null ? null : STATUS.matcher(head);
            return m != null && m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads every channel until the server closes it, within {@code deadline}: the status each was
     * answered with, or "closed" (end of stream or reset without an answer), or "hanging" if still open.
     */
    private static Map<String, Integer> collect(List<SocketChannel> channels, Duration deadline) throws IOException {
        var outcome = new TreeMap<String, Integer>();
        try (Selector selector = Selector.open()) {
            for (SocketChannel ch : channels) {
                ch.register(selector, SelectionKey.OP_READ, new ByteArrayOutputStream());
            }
            long end = System.nanoTime() + deadline.toNanos();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            int open = channels.size();
            while (open > 0 && System.nanoTime() < end) {
                selector.select(200);
                for (SelectionKey key : selector.selectedKeys()) {
                    var got = (ByteArrayOutputStream) key.attachment();
                    int n;
                    try {
                        buf.clear();
                        n = ((SocketChannel) key.channel()).read(buf);
                    } catch (IOException e) {
                        n = -1; // reset: the server closed with our unread body in its buffer
                    }
                    if (n > 0) {
                        got.write(buf.array(), 0, n);
                        continue;
                    }
                    if (n < 0) {
                        key.cancel();
                        open--;
                        Matcher m = STATUS.matcher(got.toString(StandardCharsets.ISO_8859_1));
                        outcome.merge(m.find() ? m.group(1) : "closed", 1, Integer::sum);
                    }
                }
                selector.selectedKeys().clear();
            }
            if (open > 0) {
                outcome.put("hanging", open);
            }
        }
        return outcome;
    }
}
