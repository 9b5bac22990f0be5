package io.servd.daemon.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jnr.posix.POSIX;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FDSTORE, FDSTOREREMOVE and BARRIER against a real socket; fds checked with recvmsg(2). */
class NotifierFdTest {

    private static final POSIX POSIX = FakeSystemd.POSIX;

    @TempDir
    Path dir;

    private final int[] pipe = new int[2];

    @BeforeEach
    void openPipe() {
        assertThat(POSIX.pipe(pipe)).isZero();
    }

    @AfterEach
    void closePipe() {
        POSIX.close(pipe[0]);
        POSIX.close(pipe[1]);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"path", "abstract"})
    void storesFdsThatArriveAsTheSameOpenFile(String kind) throws IOException {
        String address = kind.equals("path")
                ? dir.resolve("notify").toString()
                : "@servd-test/" + UUID.randomUUID();
        try (FakeSystemd systemd = FakeSystemd.bind(address);
                Notifier notifier = Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", address))) {
            assertThat(notifier.storeFds("http", pipe[0], pipe[1])).isTrue();

            FakeSystemd.Datagram got = systemd.receive();
            assertThat(got.text()).isEqualTo("FDSTORE=1\nFDNAME=http");
            assertThat(got.fds()).hasSize(2).doesNotContain(pipe[0], pipe[1]);
            // Same open pipe: what we write into the received write end comes out of our read end.
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            assertThat(POSIX.write(got.fds().get(1), hello, hello.length)).isEqualTo(hello.length);
            byte[] read = new byte[5];
            assertThat(POSIX.read(pipe[0], read, read.length)).isEqualTo(5);
            assertThat(read).isEqualTo(hello);
            assertThat(POSIX.fstat(got.fds().get(0)).ino()).isEqualTo(POSIX.fstat(pipe[0]).ino());
            got.fds().forEach(POSIX::close);
        }
    }

    @Test
    void notifySocketIsCloseOnExec() throws IOException {
        try (FakeSystemd systemd = FakeSystemd.bind(dir.resolve("notify").toString());
                Notifier notifier = Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.notifySocket()))) {
            java.util.Set<Integer> before = openSockets();
            notifier.send(NotifyMessage.READY); // opens the notifier's socket
            java.util.Set<Integer> opened = openSockets();
            opened.removeAll(before);

            assertThat(opened).singleElement()
                    .satisfies(fd -> assertThat(POSIX.fcntl(fd, jnr.constants.platform.Fcntl.F_GETFD) & 1).isEqualTo(1));
            assertThat(systemd.receive().text()).isEqualTo("READY=1");
        }
    }

    private static java.util.Set<Integer> openSockets() throws IOException {
        try (var fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(p -> Integer.parseInt(p.getFileName().toString()))
                    .filter(fd -> java.nio.file.Files.exists(Path.of("/proc/self/fd/" + fd))
                            && POSIX.fstat(fd).isSocket())
                    .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
        }
    }

    @Test
    void removesStoredFdsByName() throws IOException {
        try (FakeSystemd systemd = FakeSystemd.bind(dir.resolve("notify").toString());
                Notifier notifier = Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.notifySocket()))) {
            assertThat(notifier.removeStoredFds("control")).isTrue();

            FakeSystemd.Datagram got = systemd.receive();
            assertThat(got.text()).isEqualTo("FDSTOREREMOVE=1\nFDNAME=control");
            assertThat(got.fds()).isEmpty();
        }
    }

    @Test
    void barrierReturnsOnceTheManagerClosesThePipe() throws Exception {
        try (FakeSystemd systemd = FakeSystemd.bind(dir.resolve("notify").toString());
                Notifier notifier = Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.notifySocket()))) {
            notifier.send(NotifyMessage.READY);
            // Set just before we close the write end: the barrier must not have returned before that.
            AtomicBoolean closing = new AtomicBoolean();
            CompletableFuture<Boolean> returnedAfterClose = CompletableFuture.supplyAsync(() -> {
                try {
                    return notifier.barrier(Duration.ofSeconds(10)) && closing.get();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });

            assertThat(systemd.receive().text()).isEqualTo("READY=1");
            FakeSystemd.Datagram got = systemd.receive();
            assertThat(got.text()).isEqualTo("BARRIER=1");
            assertThat(got.fds()).hasSize(1);
            assertThat(returnedAfterClose).isNotDone(); // we still hold the write end

            closing.set(true);
            POSIX.close(got.fds().get(0));

            assertThat(returnedAfterClose.get(5, TimeUnit.SECONDS)).as("returned, and only once the pipe was closed").isTrue();
        }
    }

    @Test
    void barrierTimesOutWhileTheManagerHoldsThePipe() throws IOException {
        try (FakeSystemd systemd = FakeSystemd.bind(dir.resolve("notify").toString());
                Notifier notifier = Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.notifySocket()))) {
            // Nobody reads: the in-flight datagram keeps the write end open.
            assertThatThrownBy(() -> notifier.barrier(Duration.ofMillis(200)))
                    .isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("BARRIER=1 within [PT0.2S]");
            systemd.receive().fds().forEach(POSIX::close);
        }
    }

    @Test
    void closedFdIsRefusedByTheKernel() throws IOException {
        int neverOpened = 999_999; // a just-closed fd number could be reused by the notifier's own socket
        try (FakeSystemd systemd = FakeSystemd.bind(dir.resolve("notify").toString());
                Notifier notifier = Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.notifySocket()))) {
            assertThatThrownBy(() -> notifier.storeFds("http", neverOpened))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("EBADF")
                    .hasMessageContaining("[" + systemd.notifySocket() + "]");
        }
    }

    @Test
    void inactiveNotifierStoresNothingAndNeedsNoBarrier() throws IOException {
        Notifier notifier = Notifier.inactive();
        assertThat(notifier.storeFds("http", pipe[0])).isFalse();
        assertThat(notifier.removeStoredFds("http")).isFalse();
        assertThat(notifier.barrier(Duration.ofSeconds(1))).isFalse();
    }

    @Test
    void rejectsBadFdStoreArguments() {
        Notifier notifier = Notifier.inactive();
        assertThatThrownBy(() -> notifier.storeFds("http"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one fd for [http]");
        assertThatThrownBy(() -> notifier.storeFds("a:b", pipe[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[a:b]");
        Notifier plain = Notifier.of(datagram -> { }, () -> Duration.ZERO);
        assertThatThrownBy(() -> plain.storeFds("http", pipe[0]))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("FDSTORE=1");
    }
}
