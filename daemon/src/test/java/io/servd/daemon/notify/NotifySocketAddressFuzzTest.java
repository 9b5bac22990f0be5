package io.servd.daemon.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.testsupport.NearMiss;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@code NOTIFY_SOCKET} as systemd sets it, then near misses (issue 12 item 6): the address is taken,
 * and its {@code sockaddr_un} fits and says what was configured, or {@link IllegalArgumentException}
 * (the documented contract of {@link Notifier#fromEnvironment}) names the variable and the raw value
 * in brackets; nothing else escapes.
 */
class NotifySocketAddressFuzzTest {

    @Property
    void takenOrRejectedNamingTheVariableAndItsValue(@ForAll("addresses") String raw) {
        NotifySocketAddress address;
        try {
            address = new NotifySocketAddress(Notifier.NOTIFY_SOCKET, raw);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("NOTIFY_SOCKET ").endsWith(" [" + raw + "]");
            return;
        }
        byte[] sockaddr = address.sockaddr();
        assertThat(sockaddr.length - Short.BYTES).isLessThanOrEqualTo(NotifySocketAddress.SUN_PATH_BYTES);
        assertThat(address.sunPath().charAt(0)).isEqualTo(raw.charAt(0) == '@' ? '\0' : '/');
        assertThat(address.sunPath().substring(1)).isEqualTo(raw.substring(1));
    }

    @Property(tries = 200)
    void fromEnvironmentTakesOrRejectsTheSameWay(@ForAll("addresses") String raw) {
        try {
            assertThat(Notifier.fromEnvironment(Map.of(Notifier.NOTIFY_SOCKET, raw)).toString()).contains(raw);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("NOTIFY_SOCKET ").endsWith(" [" + raw + "]");
        }
    }

    /** sun_path is 108 bytes: a path needs its NUL inside them, an abstract name does not. */
    @Property(tries = 100)
    void lengthLimitIsSunPath(@ForAll @IntRange(min = 1, max = 200) int length, @ForAll boolean isAbstract) {
        String raw = (isAbstract ? "@" : "/") + "a".repeat(length);
        int limit = isAbstract ? NotifySocketAddress.SUN_PATH_BYTES : NotifySocketAddress.SUN_PATH_BYTES - 1;
        try {
            new NotifySocketAddress(Notifier.NOTIFY_SOCKET, raw);
            assertThat(raw.length()).isLessThanOrEqualTo(limit);
        } catch (IllegalArgumentException e) {
            assertThat(raw.length()).isGreaterThan(limit);
            assertThat(e.getMessage()).isEqualTo("NOTIFY_SOCKET longer than sun_path (108 bytes) [" + raw + "]");
        }
    }

    @Provide
    Arbitrary<String> addresses() {
        return NearMiss.of("/run/systemd/notify", "@/org/freedesktop/systemd1/notify/1234567890",
                "/run/user/1000/systemd/notify", "/" + "x".repeat(106), "@" + "y".repeat(107), "vsock:2:1234");
    }
}
