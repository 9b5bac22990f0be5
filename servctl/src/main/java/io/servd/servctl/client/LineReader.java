package io.servd.servctl.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads a streamed answer (NDJSON, {@code GET /v1/events}) line by line as it arrives, never whole:
 * each line of a 2xx body (without its newline) goes to the sink on the connection's event loop; a
 * line longer than {@link #MAX_LINE_BYTES} fails the exchange. An error answer's body is kept up to the
 * same cap, for its message. {@link #head()} completes with the status line; {@link #result()} at the
 * body's end, with the status and (for an error) the body. With a {@code silence} limit, a body that
 * sends nothing for that long fails with {@link AgentTimeoutException} (the agent sends an empty line
 * every 15 s while following).
 */
final class LineReader extends ChannelInboundHandlerAdapter implements NettyExchange.Reader {
    /** An event line is a few hundred bytes; 64 KiB is far beyond any the agent writes. */
    static final int MAX_LINE_BYTES = 64 * 1024;

    private static final HttpDecoderConfig DECODER = new HttpDecoderConfig()
            .setMaxInitialLineLength(4096).setMaxHeaderSize(8192).setStrictLineParsing(true);

    private final String from;
    private final Consumer<String> lines;
    private final java.util.Optional<Duration> silence;
    private final CompletableFuture<Integer> head = new CompletableFuture<>();
    private final CompletableFuture<AgentResponse> result = new CompletableFuture<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private int status;

    private LineReader(String from, Consumer<String> lines, java.util.Optional<Duration> silence) {
        this.from = Objects.requireNonNull(from, "from");
        this.lines = Objects.requireNonNull(lines, "lines");
        this.silence = Objects.requireNonNull(silence, "silence");
    }

    static LineReader install(ChannelPipeline pipeline, String from, Consumer<String> lines,
                              java.util.Optional<Duration> silence) {
        LineReader reader = new LineReader(from, lines, silence);
        pipeline.addLast("http", new HttpClientCodec(DECODER, false, false)).addLast("lines", reader);
        return reader;
    }

    @Override
    public CompletableFuture<?> head() {
        return head;
    }

    @Override
    public CompletableFuture<AgentResponse> result() {
        return result;
    }

    @Override
    public boolean unbounded() {
        return silence.isPresent();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (result.isDone()) {
                return;
            }
            if (msg instanceof HttpResponse response) {
                if (response.decoderResult().isFailure()) {
                    fail(ctx, new IOException("not an HTTP response from [" + from + "]: ["
                            + response.decoderResult().cause().getMessage() + "]"));
                    return;
                }
                status = response.status().code();
                if (status < 100 || status > 599) {
                    fail(ctx, new IOException("not an HTTP response from [" + from + "]: status [" + status + "]"));
                    return;
                }
                head.complete(status);
                if (silence.isPresent() && success()) {
                    ctx.pipeline().addFirst("silence", new ReadTimeoutHandler(silence.get().toNanos(), TimeUnit.NANOSECONDS));
                }
            }
            if (msg instanceof HttpContent content) {
                if (content.decoderResult().isFailure()) {
                    fail(ctx, new IOException("reading the answer from [" + from + "] failed: "
                            + content.decoderResult().cause().getMessage()));
                    return;
                }
                if (!take(ctx, content.content())) {
                    return;
                }
                if (content instanceof LastHttpContent) {
                    end(ctx);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private boolean success() {
        return status >= 200 && status < 300;
    }

    /** Splits {@code bytes} into lines for the sink (2xx) or keeps them for the message (else). */
    private boolean take(ChannelHandlerContext ctx, ByteBuf bytes) {
        while (bytes.isReadable()) {
            byte b = bytes.readByte();
            if (b == '\n' && success()) {
                lines.accept(line.toString(StandardCharsets.UTF_8));
                line.reset();
                continue;
            }
            if (line.size() >= MAX_LINE_BYTES) {
                if (!success()) {
                    return true; // an error's body: its start is enough for the message
                }
                fail(ctx, new ReplyTooLargeException(from));
                return false;
            }
            line.write(b);
        }
        return true;
    }

    private void end(ChannelHandlerContext ctx) {
        if (success() && line.size() > 0) {
            lines.accept(line.toString(StandardCharsets.UTF_8));
        }
        result.complete(new AgentResponse(status, success() ? "" : line.toString(StandardCharsets.UTF_8)));
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ReadTimeoutException) {
            fail(ctx, new AgentTimeoutException("any byte (a heartbeat is due every 15 s) from", from,
                    silence.orElse(Duration.ZERO), cause));
            return;
        }
        fail(ctx, cause instanceof PrematureChannelClosureException
                ? new IOException("incomplete answer from [" + from + "]: the connection closed before its end", cause)
                : new IOException("reading the answer from [" + from + "] failed: " + cause.getMessage(), cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        // before the last chunk: the agent went away (a complete answer completed the result already)
        var cut = new IOException("incomplete answer from [" + from + "]: the connection closed before its end");
        head.completeExceptionally(cut);
        result.completeExceptionally(cut);
        super.channelInactive(ctx);
    }

    private void fail(ChannelHandlerContext ctx, IOException failure) {
        head.completeExceptionally(failure);
        result.completeExceptionally(failure);
        ctx.close();
    }
}
