package io.servd.agent.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.servd.agent.access.PeerCredentials;
import io.servd.agent.http.HttpApi;
import io.servd.agent.http.Routes;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** One HTTP connection through servd's real pipeline, bytes in and out, on an embedded channel. */
final class Exchange {
    private Exchange() {
    }

    /** A parsed response: status code, the raw head, the body. */
    record Response(int status, String head, String body) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }
    }

    /** Over the HTTP listener. */
    static Response http(Routes routes, String request) {
        return send(new EmbeddedChannel(new HttpApi(routes)), request);
    }

    /** Over the control socket, as a peer with these credentials (empty: the transport gave none). */
    static Response control(Routes routes, Optional<PeerCredentials> peer, String request) {
        var channel = new EmbeddedChannel();
        channel.attr(PeerCredentials.CONTROL_PEER).set(peer);
        channel.pipeline().addLast(new HttpApi(routes));
        return send(channel, request);
    }

    static String put(String path, String contentType, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return "PUT " + path + " HTTP/1.1\r\nHost: x\r\n" + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + b.length + "\r\n\r\n" + body;
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    private static Response send(EmbeddedChannel channel, String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            out.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        channel.finishAndReleaseAll();
        String raw = out.toString();
        int split = raw.indexOf("\r\n\r\n");
        if (split < 0) {
            throw new AssertionError("no response to [" + request + "]: [" + raw + "]");
        }
        int status = Integer.parseInt(raw.substring(9, 12));
        return new Response(status, raw.substring(0, split), raw.substring(split + 4));
    }
}
