package io.servd.servctl.client;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of one answer as they arrive, at most {@link AgentClient#MAX_REPLY_BYTES}. Kept as the
 * chunks read and copied once into an exact array at the end: a growing array (ByteArrayOutputStream)
 * holds up to twice the answer, and three times while it grows, which servctl's 64 MiB heap cannot
 * spare at the cap.
 */
final class ReplyBuffer {

    private final String from;
    private final List<byte[]> chunks = new ArrayList<>();
    private long size;

    /** @param from the agent, named in the error */
    ReplyBuffer(String from) {
        this.from = from;
    }

    /** Takes the remaining bytes of {@code bytes}. */
    void append(ByteBuffer bytes) throws ReplyTooLargeException {
        if (size + bytes.remaining() > AgentClient.MAX_REPLY_BYTES) {
            throw new ReplyTooLargeException(from);
        }
        byte[] chunk = new byte[bytes.remaining()];
        bytes.get(chunk);
        chunks.add(chunk);
        size += chunk.length;
    }

    /** Everything appended, in order; empties this buffer. */
    byte[] toByteArray() {
        byte[] all = new byte[(int) size];
        int at = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, all, at, chunk.length);
            at += chunk.length;
        }
        chunks.clear();
        size = 0;
        return all;
    }
}
