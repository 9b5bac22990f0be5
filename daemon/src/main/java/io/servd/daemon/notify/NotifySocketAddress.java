package io.servd.daemon.notify;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A parsed AF_UNIX datagram address such as {@code NOTIFY_SOCKET}: an absolute filesystem path ({@code /run/systemd/notify}) or a
 * Linux abstract-namespace name ({@code @/org/freedesktop/systemd1/notify/…}).
 *
 * <p>Validation follows {@code sd_notify}, which returns {@code -EINVAL} for anything that does
 * not start with {@code /} or {@code @} or is just that one character. In addition the address
 * must fit {@code sockaddr_un.sun_path} (108 bytes: a path needs its NUL, an abstract name has
 * none) and be ASCII: jnr-unixsocket sizes the address by UTF-16 length, which is exact only for
 * ASCII. {@code vsock:} addresses (systemd 254+, for VMs) are not supported.
 *
 * @param label what the address is, for messages: {@code NOTIFY_SOCKET}, {@code journal socket}
 * @param raw the address as configured, unchanged
 */
record NotifySocketAddress(String label, String raw) {

    /** {@code sizeof(((struct sockaddr_un) 0).sun_path)} on Linux. */
    static final int SUN_PATH_BYTES = 108;
    /** {@code AF_UNIX}, {@code <bits/socket.h>}. */
    private static final short AF_UNIX = 1;

    NotifySocketAddress {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(raw, "raw");
        if (raw.length() < 2 || raw.charAt(0) != '/' && raw.charAt(0) != '@') {
            throw new IllegalArgumentException(
                    label + " must be an absolute path or @abstract name [" + raw + "]");
        }
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(raw) || raw.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(label + " must be ASCII without NUL [" + raw + "]");
        }
        // A path needs a terminating NUL inside sun_path; an abstract name uses all bytes it names.
        int needed = isAbstract(raw) ? raw.length() : raw.length() + 1;
        if (needed > SUN_PATH_BYTES) {
            throw new IllegalArgumentException(
                    label + " longer than sun_path (" + SUN_PATH_BYTES + " bytes) [" + raw + "]");
        }
    }

    /** Whether this is an abstract-namespace address ({@code @name}). */
    boolean isAbstract() {
        return isAbstract(raw);
    }

    /**
     * The bytes of {@code sun_path} as a Java string, and the only place where {@code @} becomes
     * the leading NUL of an abstract address. Its length is the exact address length after the
     * family field: systemd binds abstract names without trailing NULs, so padding would name a
     * different socket.
     */
    String sunPath() {
        return isAbstract() ? '\0' + raw.substring(1) : raw;
    }

    /**
     * {@code struct sockaddr_un} as Linux reads it: the native-order {@code sa_family_t}
     * {@code AF_UNIX} followed by {@link #sunPath()}, NUL-terminated for a path and exact for an
     * abstract name. For {@code sendmsg} with an explicit {@code msg_name}.
     */
    byte[] sockaddr() {
        byte[] path = sunPath().getBytes(StandardCharsets.US_ASCII);
        int terminator = isAbstract() ? 0 : 1;
        ByteBuffer sa = ByteBuffer.allocate(Short.BYTES + path.length + terminator).order(ByteOrder.nativeOrder());
        sa.putShort(AF_UNIX).put(path);
        return sa.array();
    }

    private static boolean isAbstract(String raw) {
        return raw.charAt(0) == '@';
    }

    @Override
    public String toString() {
        return raw;
    }
}
