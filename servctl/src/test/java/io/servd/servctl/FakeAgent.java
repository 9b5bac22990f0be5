package io.servd.servctl;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A servd agent stand-in on 127.0.0.1:0: canned answers per "METHOD path", every request recorded. */
final class FakeAgent implements AutoCloseable {

    record Request(String method, String path, String body, String contentType, String authorization, String query,
                   String accept) {}

    record Answer(int status, String body) {}

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    /** "METHOD path" → length of a large 200 answer, streamed (never held in memory). */
    private final Map<String, Long> large = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeAgent() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getRawPath();
            requests.add(new Request(exchange.getRequestMethod(), path, body,
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestURI().getQuery(),
                    exchange.getRequestHeaders().getFirst("Accept")));
            Long length = large.get(exchange.getRequestMethod() + " " + path);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (length != null) {
                sendLarge(exchange, length);
                return;
            }
            Answer a = answers.getOrDefault(exchange.getRequestMethod() + " " + path,
                    new Answer(404, "{\"error\":\"not found\",\"detail\":\"no resource at [" + path + "]\"}"));
            byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
            // -1: Content-Length 0 and no body (0 would mean chunked)
            exchange.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    FakeAgent answer(String methodAndPath, int status, String body) {
        answers.put(methodAndPath, new Answer(status, body));
        return this;
    }

    /** Answers {@code methodAndPath} with 200 and a body of {@code length} bytes, written 64 KiB at a time. */
    FakeAgent answerLarge(String methodAndPath, long length) {
        large.put(methodAndPath, length);
        return this;
    }

    private static void sendLarge(HttpExchange exchange, long length) throws IOException {
        exchange.sendResponseHeaders(200, length);
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) ' ');
        try (OutputStream out = exchange.getResponseBody()) {
            for (long left = length; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        } catch (IOException clientGaveUp) {
            // servctl stops reading at its cap and closes: expected
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
