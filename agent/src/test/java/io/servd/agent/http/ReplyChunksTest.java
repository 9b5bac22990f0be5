package io.servd.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplyChunksTest {
    private static final int CHUNK = 8;

    @ParameterizedTest(name = "{0} bytes")
    @CsvSource(delimiter = '|', textBlock = """
        # body bytes | pieces as written
        # a HEAD answer: the head with its length, nothing else
        0            | full(0)
        1            | full(1)
        # exactly one chunk still goes whole
        8            | full(8)
        9            | head content(8) last(1)
        16           | head content(8) last(8)
        17           | head content(8) content(8) last(1)
        """)
    void cutsTheBodyIntoChunksOfTheArray(int bodyBytes, String pieces) throws Exception {
        byte[] body = new byte[bodyBytes];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        var chunks = new ReplyChunks(head(bodyBytes), body, CHUNK);
        List<String> seen = new ArrayList<>();
        var joined = new ByteArrayOutputStream();
        for (HttpObject piece; (piece = chunks.readChunk(ByteBufAllocator.DEFAULT)) != null; ) {
            if (piece instanceof FullHttpResponse full) {
                assertThat(full.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(bodyBytes);
                seen.add("full(" + full.content().readableBytes() + ")");
            } else if (piece instanceof HttpResponse) {
                seen.add("head");
                continue;
            } else {
                seen.add((piece instanceof LastHttpContent ? "last(" : "content(")
                        + ((HttpContent) piece).content().readableBytes() + ")");
            }
            joined.write(ByteBufUtil.getBytes(((HttpContent) piece).content()));
            ((HttpContent) piece).release();
        }
        assertThat(String.join(" ", seen)).isEqualTo(pieces);
        assertThat(chunks.isEndOfInput()).isTrue();
        assertThat(chunks.progress()).isEqualTo(chunks.length()).isEqualTo(bodyBytes);
        assertThat(joined.toByteArray()).isEqualTo(body);
    }

    @Test
    void refusesAHeadWithoutLength() {
        var head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        assertThatThrownBy(() -> new ReplyChunks(head, new byte[0], CHUNK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[200 OK]");
    }

    private static HttpResponse head(int length) {
        var head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        return head;
    }
}
