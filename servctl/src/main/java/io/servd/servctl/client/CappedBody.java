package io.servd.servctl.client;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A {@code java.net.http} body subscriber that collects at most {@link AgentClient#MAX_REPLY_BYTES}
 * bytes: one byte more cancels the exchange and fails the body with {@link ReplyTooLargeException}.
 * It asks for one batch of buffers at a time, so nothing beyond the cap is ever held.
 */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final ReplyBuffer received;
    private Flow.Subscription subscription;

    /** @param from the agent, named in the error */
    CappedBody(String from) {
        this.received = new ReplyBuffer(from);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) {
            return; // cancelled at the cap; buffers already in flight are dropped
        }
        try {
            for (ByteBuffer b : buffers) {
                received.append(b);
            }
        } catch (ReplyTooLargeException e) {
            subscription.cancel();
            body.completeExceptionally(e);
            return;
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable failure) {
        body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        body.complete(received.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }
}
