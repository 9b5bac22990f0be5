package io.servd.agent.http;

import io.netty.channel.Channel;
import java.util.concurrent.CompletionStage;

/**
 * A body written after the head at its own pace (the events of {@code GET /v1/events}), where a
 * {@link Reply}'s body is written whole. {@link RequestHandler} writes the head — chunked on HTTP/1.1,
 * {@code Connection: close} on HTTP/1.0 — and then calls {@link #start}; the next request on the
 * connection is answered after the stage completes.
 *
 * <p>The body owns the connection meanwhile: it writes {@code HttpContent}s from the pipeline's tail
 * ({@code channel.write}), must stop writing while the channel is not writable (the event loop never
 * buffers more than Netty's write-buffer high-water mark for it), and ends with a
 * {@code LastHttpContent} or by closing. It should end on {@link io.servd.netpoll.Draining#REQUESTED}.
 */
@FunctionalInterface
public interface StreamedBody {

    /** Starts writing; called on {@code channel}'s event loop. The stage completes when the body ended. */
    CompletionStage<Void> start(Channel channel);
}
