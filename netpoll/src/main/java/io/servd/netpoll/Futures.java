package io.servd.netpoll;

import io.netty.util.concurrent.Future;

import java.util.concurrent.CompletableFuture;

/** Bridges Netty futures to {@link CompletableFuture}, the only future type in this module's API. */
final class Futures {
    private Futures() {
    }

    static <T> CompletableFuture<T> toCompletable(Future<T> future) {
        CompletableFuture<T> result = new CompletableFuture<>();
        future.addListener(f -> {
            if (f.isSuccess()) {
                result.complete(future.getNow());
            } else {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }
}
