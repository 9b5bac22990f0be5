package io.servd.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.servd.netpoll.Draining;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Drain semantics of the HTTP pipeline, on an embedded channel: bytes in, bytes out, no sockets. */
class CloseWhenIdleTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(new HttpApi(Routes.builder()
            .add(io.netty.handler.codec.http.HttpMethod.POST, "/echo",
                    r -> Reply.json(HttpResponseStatus.OK, Map.of("got", r.content().toString(StandardCharsets.UTF_8))))
            .build()));

    @Test
    void idleKeepAliveConnectionClosesAtOnce() {
        channel.writeInbound(bytes("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"));
        assertThat(readOutbound()).contains("200 OK").contains("{\"got\":\"hi\"}").doesNotContainIgnoringCase("connection: close");
        assertThat(channel.isOpen()).isTrue();

        channel.pipeline().fireUserEventTriggered(Draining.REQUESTED);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void requestInFlightIsAnsweredWithConnectionCloseThenTheConnectionCloses() {
        channel.writeInbound(bytes("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhe"));
        channel.pipeline().fireUserEventTriggered(Draining.REQUESTED);
        assertThat(channel.isOpen()).as("a half-received request keeps its connection").isTrue();

        channel.writeInbound(bytes("llo"));
        assertThat(readOutbound()).contains("200 OK").contains("{\"got\":\"hello\"}").containsIgnoringCase("connection: close");
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private String readOutbound() {
        var out = new StringBuilder();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) msg;
            out.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return out.toString();
    }
}
