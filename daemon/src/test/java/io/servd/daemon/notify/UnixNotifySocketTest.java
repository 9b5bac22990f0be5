package io.servd.daemon.notify;

import static io.servd.daemon.notify.FakeSystemd.POSIX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import jnr.constants.platform.Fcntl;
import jnr.constants.platform.OpenFlags;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both ways a plain datagram leaves: Netty's native unix socket (where its epoll library loads, as on
 * every Linux build host) and jnr-unixsocket (the fallback), each against a real AF_UNIX receiver.
 */
class UnixNotifySocketTest {

    @TempDir
    Path dir;

    private static UnixNotifySocket socket(String transport, String address) {
        if (transport.equals("netty")) {
            assumeTrue(Epoll.isAvailable(), "netty's epoll library loads here");
        }
        return new UnixNotifySocket(new NotifySocketAddress("NOTIFY_SOCKET", address), () -> transport.equals("netty"));
    }

    private String address(String kind) {
        return kind.equals("path") ? dir.resolve("notify").toString() : "@servd-test/" + UUID.randomUUID();
    }

    @ParameterizedTest(name = "{0} to {1}")
    @CsvSource({"netty, path", "netty, abstract", "jnr, path", "jnr, abstract"})
    void sendsExactDatagrams(String transport, String kind) throws IOException {
        String address = address(kind);
        try (FakeSystemd systemd = FakeSystemd.bind(address); UnixNotifySocket socket = socket(transport, address)) {
            socket.send(ByteBuffer.wrap("READY=1\nSTATUS=up".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer direct = ByteBuffer.allocateDirect(16).put("WATCHDOG=1".getBytes(StandardCharsets.US_ASCII)).flip();
            socket.send(direct);

            assertThat(systemd.receive().text()).isEqualTo("READY=1\nSTATUS=up");
            assertThat(systemd.receive().text()).isEqualTo("WATCHDOG=1");
            assertThat(direct.hasRemaining()).isFalse();
        }
    }

    /** A journal entry far above the notify limit (journald takes up to the socket's send buffer). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"netty", "jnr"})
    void sendsALargeDatagramWhole(String transport) throws IOException {
        String address = address("path");
        byte[] entry = new byte[100_000];
        Arrays.fill(entry, (byte) 'x');
        try (FakeSystemd systemd = FakeSystemd.bind(address); UnixNotifySocket socket = socket(transport, address)) {
            socket.send(ByteBuffer.wrap("A=1".getBytes(StandardCharsets.US_ASCII)));
            socket.send(ByteBuffer.wrap(entry));
            socket.send(ByteBuffer.wrap("B=2".getBytes(StandardCharsets.US_ASCII)));

            assertThat(systemd.receive().text()).isEqualTo("A=1");
            assertThat(systemd.receive().bytes()).isEqualTo(entry);
            assertThat(systemd.receive().text()).isEqualTo("B=2");
        }
    }

    /** As sd_notify's: close-on-exec, and blocking (a full queue waits instead of failing with EAGAIN). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"netty", "jnr"})
    void socketIsCloseOnExecAndBlocking(String transport) throws IOException {
        String address = address("path");
        try (FakeSystemd systemd = FakeSystemd.bind(address); UnixNotifySocket socket = socket(transport, address)) {
            int fd = socket.fd();

            assertThat(POSIX.fcntl(fd, Fcntl.F_GETFD) & 1).isEqualTo(1);
            assertThat(POSIX.fcntl(fd, Fcntl.F_GETFL) & OpenFlags.O_NONBLOCK.intValue()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"netty", "jnr"})
    void passesFdsOnTheSameSocket(String transport) throws IOException {
        String address = address("abstract");
        int[] pipe = new int[2];
        assertThat(POSIX.pipe(pipe)).isZero();
        try (FakeSystemd systemd = FakeSystemd.bind(address); UnixNotifySocket socket = socket(transport, address)) {
            socket.send(ByteBuffer.wrap("X_FIRST=1".getBytes(StandardCharsets.US_ASCII)));
            socket.sendWithFds(ByteBuffer.wrap("FDSTORE=1\nFDNAME=p".getBytes(StandardCharsets.US_ASCII)), new int[] {pipe[0]});

            assertThat(systemd.receive().text()).isEqualTo("X_FIRST=1");
            FakeSystemd.Datagram got = systemd.receive();
            assertThat(got.text()).isEqualTo("FDSTORE=1\nFDNAME=p");
            assertThat(got.fds()).singleElement()
                    .satisfies(fd -> assertThat(POSIX.fstat(fd).ino()).isEqualTo(POSIX.fstat(pipe[0]).ino()));
            got.fds().forEach(POSIX::close);
        } finally {
            POSIX.close(pipe[0]);
            POSIX.close(pipe[1]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"netty", "jnr"})
    void noListenerIsAnIOExceptionNamingTheAddress(String transport) throws IOException {
        String address = address("abstract");
        try (UnixNotifySocket socket = socket(transport, address)) {
            assertThatThrownBy(() -> socket.send(ByteBuffer.wrap("READY=1".getBytes(StandardCharsets.US_ASCII))))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("NOTIFY_SOCKET [" + address + "]")
                    .hasMessageContaining("refused");
        }
    }
}
