package io.servd.it.daemon.guest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs in the test VM, on the runtime the servd .deb installs (java.base only: that runtime has
 * neither java.net.http nor jdk.compiler, so no source-launch mode either): a bounded loopback load,
 * one new connection per request ({@code GET /healthz}, {@code Connection: close}), from a few
 * threads, until a deadline or until a stop file exists, whichever comes first. Requests already
 * started are waited for, however long a restart makes them wait in the listen backlog.
 *
 * <p>Usage: {@code LoopbackLoad <port> <seconds> <threads> <stop-file>}. Prints {@code running} once the first
 * request is done, then at the end one line
 * {@code requests=N ok=N non2xx=N connectFailed=N ioErrors=N maxLatencyMs=N slowestStartMs=N} and
 * up to five {@code error …} lines; exit 0 whatever the counts (the test judges them).
 */
public final class LoopbackLoad {

    /** A request stuck in the backlog waits out a whole servd start under emulation (10–30 s). */
    private static final int READ_TIMEOUT_MILLIS = (int) TimeUnit.MINUTES.toMillis(3);
    private static final byte[] REQUEST = ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: servd-it-load\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong non2xx = new AtomicLong();
    private final AtomicLong connectFailed = new AtomicLong();
    private final AtomicLong ioErrors = new AtomicLong();
    private final AtomicLong maxLatencyNanos = new AtomicLong();
    private final AtomicLong slowestStartNanos = new AtomicLong();
    private final List<String> errors = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final long started = System.nanoTime();

    private LoopbackLoad() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 4) {
            System.err.println("usage: LoopbackLoad <port> <seconds> <threads> <stop-file>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
        Path stopFile = Path.of(args[3]);
        var load = new LoopbackLoad();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(args[2]); i++) {
            threads.add(new Thread(() -> {
                while (System.nanoTime() < deadline && !Files.exists(stopFile)) {
                    load.request(new InetSocketAddress("127.0.0.1", port));
                }
            }, "load-" + i));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        System.out.printf("requests=%d ok=%d non2xx=%d connectFailed=%d ioErrors=%d maxLatencyMs=%d slowestStartMs=%d%n",
                load.requests.get(), load.ok.get(), load.non2xx.get(), load.connectFailed.get(), load.ioErrors.get(),
                TimeUnit.NANOSECONDS.toMillis(load.maxLatencyNanos.get()),
                TimeUnit.NANOSECONDS.toMillis(load.slowestStartNanos.get() - load.started));
        synchronized (load.errors) {
            load.errors.forEach(e -> System.out.println("error " + e));
        }
    }

    private void request(InetSocketAddress address) {
        long t0 = System.nanoTime();
        requests.incrementAndGet();
        try (Socket socket = new Socket()) {
            socket.connect(address, READ_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(REQUEST);
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int code = statusCode(response);
            if (code >= 200 && code < 300) {
                ok.incrementAndGet();
            } else {
                non2xx.incrementAndGet();
                error("status [" + code + "] response [" + firstLine(response) + "]");
            }
        } catch (ConnectException e) {
            connectFailed.incrementAndGet();
            error("connect: " + e);
        } catch (IOException e) {
            ioErrors.incrementAndGet();
            error("io: " + e);
        }
        if (running.compareAndSet(false, true)) {
            System.out.println("running"); // the first request is done: the caller may act now
            System.out.flush();
        }
        long latency = System.nanoTime() - t0;
        synchronized (maxLatencyNanos) {
            if (latency > maxLatencyNanos.get()) {
                maxLatencyNanos.set(latency);
                slowestStartNanos.set(t0);
            }
        }
    }

    /** The status code of an HTTP/1.x response, -1 when there is no status line (closed without answer). */
    private static int statusCode(String response) {
        String line = firstLine(response);
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            return -1;
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String firstLine(String response) {
        int end = response.indexOf("\r\n");
        return end < 0 ? response : response.substring(0, end);
    }

    private void error(String message) {
        synchronized (errors) {
            if (errors.size() < 5) {
                errors.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + "ms " + message);
            }
        }
    }
}
