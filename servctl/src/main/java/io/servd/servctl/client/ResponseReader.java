package io.servd.servctl.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.TooLongHttpContentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Reads the agent's one answer with Netty's HTTP/1.1 client codec and aggregator (RFC 9112: status
 * line, fields, a body framed by {@code Content-Length}, chunked, or the end of the stream), into
 * {@link #result()}. Whatever the peer sends, the result is an {@link AgentResponse} or one of the
 * {@link IOException}s {@link AgentClient#send} documents, each naming the peer in brackets: a
 * malformed answer ({@code not an HTTP response from [peer]: [...]}, with the decoder's reason), one cut
 * short ({@code incomplete answer from [peer]: ...}), or one over {@link AgentClient#MAX_REPLY_BYTES}
 * ({@link ReplyTooLargeException}: refused as soon as its {@code Content-Length} or its bytes pass the
 * cap, never read whole). The first answer wins; anything after it is dropped.
 */
final class ResponseReader extends SimpleChannelInboundHandler<FullHttpResponse> implements NettyExchange.Reader {

    /**
     * Netty's limits for the head (the agent's own: request line 4 KiB, headers 8 KiB): a longer status
     * line or header block is a malformed answer. Bare LF line ends are refused, as RFC 9112 §2.2 allows.
     */
    private static final HttpDecoderConfig DECODER = new HttpDecoderConfig()
            .setMaxInitialLineLength(4096).setMaxHeaderSize(8192).setStrictLineParsing(true);

    private final String from;
    private final CompletableFuture<AgentResponse> result = new CompletableFuture<>();

    /** @param from the agent, as {@link AgentClient#describe()}, named in every error */
    private ResponseReader(String from) {
        this.from = Objects.requireNonNull(from, "from");
    }

    /** Adds codec, aggregator (capped at {@link AgentClient#MAX_REPLY_BYTES}) and a reader to {@code pipeline}. */
    static ResponseReader install(ChannelPipeline pipeline, String from) {
        ResponseReader reader = new ResponseReader(from);
        // parseHttpAfterConnectRequest: false (servctl sends no CONNECT); failOnMissingResponse: false,
        // since channelInactive below says it with the peer's name
        pipeline.addLast("http", new HttpClientCodec(DECODER, false, false))
                .addLast("aggregate", new HttpObjectAggregator(Math.toIntExact(AgentClient.MAX_REPLY_BYTES)))
                .addLast("answer", reader);
        return reader;
    }

    /** The answer, once read; completes exceptionally as the class comment says. */
    @Override
    public CompletableFuture<AgentResponse> result() {
        return result;
    }

    /** The head is read with the rest: the whole answer. */
    @Override
    public CompletableFuture<?> head() {
        return result;
    }

    @Override
    public boolean unbounded() {
        return false;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
        if (result.isDone()) {
            return;
        }
        if (response.decoderResult().isFailure()) {
            Throwable cause = response.decoderResult().cause();
            fail(ctx, cause instanceof TooLongHttpContentException ? new ReplyTooLargeException(from)
                    : cause instanceof PrematureChannelClosureException ? incomplete(cause)
                    : new IOException("not an HTTP response from [" + from + "]: [" + reason(cause) + "]", cause));
            return;
        }
        int code = response.status().code();
        // status-code = 3DIGIT; AgentResponse takes 100-599, which is what the agent sends
        if (code < 100 || code > 599) {
            fail(ctx, new IOException("not an HTTP response from [" + from + "]: status [" + code + "]"));
            return;
        }
        result.complete(new AgentResponse(code, response.content().toString(StandardCharsets.UTF_8)));
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // the aggregator throws at the cap (a response has no 413 to answer with), wrapped by its decoder
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof TooLongHttpContentException) {
                fail(ctx, new ReplyTooLargeException(from));
                return;
            }
        }
        fail(ctx, cause instanceof PrematureChannelClosureException ? incomplete(cause)
                : new IOException("reading the answer from [" + from + "] failed: " + reason(cause), cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        // closed before any answer; a cut one is reported by the codec or the aggregator first
        result.completeExceptionally(incomplete(null));
        super.channelInactive(ctx);
    }

    /** The connection closed before the end of the head or of a framed body (Content-Length, chunked). */
    private IOException incomplete(Throwable cause) {
        return new IOException("incomplete answer from [" + from + "]: the connection closed before its end", cause);
    }

    private void fail(ChannelHandlerContext ctx, IOException failure) {
        result.completeExceptionally(failure);
        ctx.close();
    }

    private static String reason(Throwable cause) {
        String m = cause.getMessage();
        return m == null ? cause.getClass().getSimpleName() : m;
    }
}
