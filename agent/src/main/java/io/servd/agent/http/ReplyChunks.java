package io.servd.agent.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * One {@link Reply} as the pieces {@link ChunkedWriteHandler} writes while the channel is writable:
 * a reply of at most {@link HttpApi#CHUNK_BYTES} as one full response; a larger one as its head
 * (with {@code Content-Length}, not chunked transfer coding) and then slices of at most
 * {@link HttpApi#CHUNK_BYTES} of the reply's own array, the last one a {@code LastHttpContent}.
 *
 * <p>Why: on epoll a heap buffer is copied into a new direct buffer of its whole size when it is
 * written (an unpooled allocator has no thread-local buffer to copy through), and the copy stays until
 * the peer has read it. A 3.6 MB {@code /metrics} written whole to each of a hundred slow scrapers
 * would ask for 360 MB of direct memory; written a slice at a time, only while the outbound buffer is
 * below its high-water mark, a connection holds at most {@link HttpApi#WRITE_DIRECT_BYTES}. Slices
 * share the array (no copy on the heap), and every reply is one of these, so that pipelined small
 * replies wait for writability too ({@link ChunkedWriteHandler} lets a plain message pass at once
 * when nothing is queued before it).
 */
final class ReplyChunks implements ChunkedInput<HttpObject> {
    private final HttpResponse head;
    private final byte[] body;
    private final int chunkBytes;
    private boolean headSent;
    private int offset;

    /**
     * @param head       the response head with every header set, {@code Content-Length} included
     * @param body       the whole body; empty to send the head alone (a {@code HEAD} answer)
     * @param chunkBytes the largest piece of body written at once
     */
    ReplyChunks(HttpResponse head, byte[] body, int chunkBytes) {
        if (chunkBytes < 1) {
            throw new IllegalArgumentException("chunk size must be positive, got [" + chunkBytes + "]");
        }
        if (!head.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            throw new IllegalArgumentException("reply head without Content-Length [" + head.status() + "]");
        }
        this.head = head;
        this.body = body;
        this.chunkBytes = chunkBytes;
    }

    @Override
    public boolean isEndOfInput() {
        return headSent && offset == body.length;
    }

    @Override
    public HttpObject readChunk(ByteBufAllocator allocator) {
        if (isEndOfInput()) {
            return null;
        }
        if (!headSent) {
            headSent = true;
            if (body.length <= chunkBytes) {
                offset = body.length;
                return full(head, body);
            }
            return head;
        }
        int length = Math.min(chunkBytes, body.length - offset);
        var slice = Unpooled.wrappedBuffer(body, offset, length); // shares the array
        offset += length;
        return offset == body.length ? new DefaultLastHttpContent(slice) : new DefaultHttpContent(slice);
    }

    @Deprecated
    @Override
    public HttpObject readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    /** In bytes of body. */
    @Override
    public long length() {
        return body.length;
    }

    /** In bytes of body handed to the channel so far. */
    @Override
    public long progress() {
        return offset;
    }

    @Override
    public void close() {
        // nothing to release: the slices wrap an array
    }

    private static DefaultFullHttpResponse full(HttpResponse head, byte[] body) {
        var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, head.status(), Unpooled.wrappedBuffer(body));
        response.headers().set(head.headers());
        return response;
    }
}
