package io.servd.servctl.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * Feeds raw bytes to servctl's real answer pipeline ({@link ResponseReader} behind Netty's client codec)
 * on an embedded channel, as if the agent had sent them and closed the connection.
 */
final class Replies {

    private Replies() {
    }

    /** The answer {@code raw} means, or the one {@link IOException} the reader refuses it with. */
    static AgentResponse read(byte[] raw, String from) throws IOException {
        EmbeddedChannel channel = new EmbeddedChannel();
        ResponseReader reader = ResponseReader.install(channel.pipeline(), from);
        // the codec pairs each answer with the request it sent (HEAD has no body)
        channel.writeOutbound(NettyExchange.request("GET", "/v1/units", Optional.empty(), "localhost", Map.of()));
        for (Object sent; (sent = channel.readOutbound()) != null; ) {
            ((ByteBuf) sent).release();
        }
        channel.writeInbound(Unpooled.wrappedBuffer(raw));
        channel.finishAndReleaseAll(); // the agent closes: end of a close-delimited body, or a cut
        try {
            return reader.result().getNow(null);
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }
}
