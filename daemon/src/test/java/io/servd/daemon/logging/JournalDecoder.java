package io.servd.daemon.logging;

import io.servd.daemon.notify.FakeSystemd;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** journald's native protocol read back independently of {@link JournalEntry}, for tests here and in servd-daemon-logback. */
public final class JournalDecoder {
    private JournalDecoder() {
    }

    /** The native protocol, decoded as journald does. */
    public static Map<String, String> decode(byte[] entry) {
        Map<String, String> fields = new LinkedHashMap<>();
        ByteBuffer in = ByteBuffer.wrap(entry).order(ByteOrder.LITTLE_ENDIAN);
        while (in.hasRemaining()) {
            int start = in.position();
            while (entry[in.position()] != '=' && entry[in.position()] != '\n') {
                in.get();
            }
            String name = new String(entry, start, in.position() - start, StandardCharsets.US_ASCII);
            if (in.get() == '=') {
                int valueStart = in.position();
                while (entry[in.position()] != '\n') {
                    in.get();
                }
                fields.put(name, new String(entry, valueStart, in.position() - valueStart, StandardCharsets.UTF_8));
            } else {
                int length = (int) in.getLong();
                fields.put(name, new String(entry, in.position(), length, StandardCharsets.UTF_8));
                in.position(in.position() + length);
            }
            if (in.get() != '\n') {
                throw new AssertionError("field [" + name + "] not terminated by a newline");
            }
        }
        return fields;
    }

    /** The whole content of {@code memfd} (as journald reads a large entry), then closes it. */
    public static byte[] readAndClose(int memfd) {
        try {
            int size = (int) FakeSystemd.POSIX.fstat(memfd).st_size();
            byte[] content = new byte[size];
            int read = FakeSystemd.POSIX.pread(memfd, content, size, 0);
            if (read != size) {
                throw new AssertionError("read [" + read + "] of [" + size + "] bytes of memfd [" + memfd + "]");
            }
            return content;
        } finally {
            FakeSystemd.POSIX.close(memfd);
        }
    }
}
