package io.servd.daemon.logging;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Builds one entry of journald's native protocol: {@code FIELD=value\n} per field, or, for a
 * value containing a newline, {@code FIELD\n}, its length as a 64-bit little-endian integer, the
 * raw bytes and {@code \n}. Field names are upper-case letters, digits and {@code _}, not starting
 * with {@code _} (journald reserves those for trusted fields), at most 64 characters.
 *
 * @see <a href="https://systemd.io/JOURNAL_NATIVE_PROTOCOL/">Native Journal Protocol</a>
 */
public final class JournalEntry {

    private static final Pattern FIELD = Pattern.compile("[A-Z0-9][A-Z0-9_]{0,63}");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    /**
     * Appends a field; a {@code null} value is skipped.
     *
     * @throws IllegalArgumentException naming a field name journald would refuse
     */
    public JournalEntry field(String name, String value) {
        if (!FIELD.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid journal field name [" + name + "]");
        }
        if (value == null) {
            return this;
        }
        byte[] key = name.getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(key);
        if (value.indexOf('\n') < 0) {
            out.write('=');
        } else {
            out.write('\n');
            out.writeBytes(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(bytes.length).array());
        }
        out.writeBytes(bytes);
        out.write('\n');
        return this;
    }

    /** Whether {@code name} may be used as a field name. */
    public static boolean isValidName(String name) {
        return FIELD.matcher(name).matches();
    }

    /** The entry as journald reads it from one datagram (or a memfd). */
    public byte[] toBytes() {
        return out.toByteArray();
    }
}
