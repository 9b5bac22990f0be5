package io.servd.daemon.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A fake systemd is a real socket: path and abstract NOTIFY_SOCKETs, exact datagrams. */
class NotifierTest {

    private static final MonotonicClock FIXED_CLOCK = () -> Duration.ofNanos(123_456_789_012L);

    @TempDir
    Path dir;

    @Test
    void sendsOneDatagramToPathSocket() throws IOException {
        try (FakeSystemd systemd = FakeSystemd.bind(dir.resolve("notify").toString());
                Notifier notifier = Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.notifySocket()))) {
            assertThat(notifier.isActive()).isTrue();

            assertThat(notifier.send(NotifyMessage.READY, new NotifyMessage.Status("listening on [127.0.0.1:9470]")))
                    .isTrue();
            assertThat(notifier.send(NotifyMessage.STOPPING)).isTrue();

            assertThat(systemd.receive().text()).isEqualTo("READY=1\nSTATUS=listening on [127.0.0.1:9470]");
            assertThat(systemd.receive().text()).isEqualTo("STOPPING=1");
        }
    }

    @Test
    void sendsToAbstractSocketWithExactAddressLength() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/net/unix")), "Linux abstract namespace");
        String name = "servd-test/" + UUID.randomUUID();
        try (FakeSystemd systemd = FakeSystemd.bind("@" + name);
                Notifier notifier = Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "@" + name))) {
            // The kernel's view of the bound name: no trailing NULs (/proc/net/unix shows NULs as '@').
            assertThat(systemd.boundSunPath()).isEqualTo("\0" + name);
            assertThat(Files.readAllLines(Path.of("/proc/net/unix"))).anySatisfy(
                    line -> assertThat(line).endsWith(" @" + name));

            assertThat(notifier.send(NotifyMessage.WATCHDOG)).isTrue();

            assertThat(systemd.receive().text()).isEqualTo("WATCHDOG=1");
        }
    }

    @Test
    void abstractNameWithTrailingNulIsADifferentSocket() throws IOException {
        // What systemd's exact-length rule protects against: a padded address does not reach us.
        String name = "servd-test/" + UUID.randomUUID();
        try (FakeSystemd padded = FakeSystemd.bind("@" + name + "\0");
                Notifier notifier = Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "@" + name))) {
            assertThat(padded.boundSunPath()).isEqualTo("\0" + name + "\0");
            assertThatThrownBy(() -> notifier.send(NotifyMessage.READY))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("[@" + name + "]");
        }
    }

    /**
     * systemd's own client as the oracle: where installed, {@code systemd-notify} must reach the
     * same fake at the same address with the same bytes as we do, and its barrier must complete
     * when the fake closes the fd, as ours does.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"path", "abstract"})
    void systemdNotifySendsWhatWeSend(String kind) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-notify")), "systemd-notify installed");
        String address = kind.equals("path") ? dir.resolve("notify").toString() : "@servd-test/" + UUID.randomUUID();
        try (FakeSystemd systemd = FakeSystemd.bind(address);
                Notifier notifier = Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", address))) {
            ProcessBuilder systemdNotify = new ProcessBuilder("/usr/bin/systemd-notify", "--ready", "--status=serving [x]");
            systemdNotify.environment().put("NOTIFY_SOCKET", address);
            Process process = systemdNotify.redirectErrorStream(true).start();

            FakeSystemd.Datagram theirs = systemd.receive();
            // systemd-notify (v246+) then waits on BARRIER=1 until we close its pipe.
            FakeSystemd.Datagram barrier = systemd.receive();
            assertThat(barrier.text()).isEqualTo("BARRIER=1");
            barrier.fds().forEach(FakeSystemd.POSIX::close);
            assertThat(process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();

            notifier.send(NotifyMessage.READY, new NotifyMessage.Status("serving [x]"));
            assertThat(systemd.receive().text()).isEqualTo(theirs.text()).isEqualTo("READY=1\nSTATUS=serving [x]");
        }
    }

    @Test
    void sendsEveryMessageTypeVerbatim() throws IOException {
        try (FakeSystemd systemd = FakeSystemd.bind(dir.resolve("notify").toString());
                Notifier notifier = Notifier.fromEnvironment(
                        Map.of("NOTIFY_SOCKET", systemd.notifySocket()), FIXED_CLOCK)) {
            notifier.send(new NotifyMessage.MainPid(4242), new NotifyMessage.Errno(2),
                    new NotifyMessage.ExtendTimeout(Duration.ofSeconds(10)), NotifyMessage.WATCHDOG_TRIGGER,
                    new NotifyMessage.FdStoreRemove("http"), new NotifyMessage.Private("X_SERVD_GEN", "7"));
            notifier.sendReloading(new NotifyMessage.Status("reloading"));

            assertThat(systemd.receive().text()).isEqualTo(String.join("\n", "MAINPID=4242", "ERRNO=2",
                    "EXTEND_TIMEOUT_USEC=10000000", "WATCHDOG=trigger", "FDSTOREREMOVE=1", "FDNAME=http",
                    "X_SERVD_GEN=7"));
            assertThat(systemd.receive().text())
                    .isEqualTo("RELOADING=1\nMONOTONIC_USEC=123456789\nSTATUS=reloading");
        }
    }

    @Test
    void openingEarlyNeedsNoListenerYet() throws IOException {
        try (Notifier notifier = Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", dir.resolve("later").toString()))) {
            notifier.open(); // only creates our unbound socket
            try (FakeSystemd systemd = FakeSystemd.bind(dir.resolve("later").toString())) {
                notifier.send(NotifyMessage.READY);
                assertThat(systemd.receive().text()).isEqualTo("READY=1");
            }
        }
    }

    @Test
    void withoutNotifySocketEverySendIsANoOp() throws IOException {
        try (Notifier notifier = Notifier.fromEnvironment(Map.of("PATH", "/usr/bin"))) {
            notifier.open();
            assertThat(notifier.isActive()).isFalse();
            assertThat(notifier.send(NotifyMessage.READY)).isFalse();
            assertThat(notifier.sendReloading()).isFalse();
            assertThat(notifier).hasToString("Notifier[inactive]");
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # NOTIFY_SOCKET                 | message fragment
            # sd_notify: -EINVAL unless it starts with / or @ and has more than that one character
            ""                              | must be an absolute path or @abstract name []
            run/systemd/notify              | must be an absolute path or @abstract name [run/systemd/notify]
            @                               | must be an absolute path or @abstract name [@]
            /                               | must be an absolute path or @abstract name [/]
            # systemd 254+ VM transport, not supported
            vsock:2:1234                    | must be an absolute path or @abstract name [vsock:2:1234]
            /run/sÿstemd/notify             | must be ASCII without NUL [/run/sÿstemd/notify]
            """)
    void rejectsMalformedNotifySocket(String raw, String fragment) {
        assertThatThrownBy(() -> Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", raw)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(fragment);
    }

    @Test
    void rejectsAddressLongerThanSunPath() {
        String path = "/" + "p".repeat(107); // 108 characters + NUL do not fit
        String name = "@" + "n".repeat(107); // 108 bytes exactly: fits
        assertThatThrownBy(() -> Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", path)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longer than sun_path");
        assertThat(Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", name)).isActive()).isTrue();
        assertThat(Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "/" + "p".repeat(106))).isActive()).isTrue();
    }

    @Test
    void sendWithoutListenerFailsNamingTheSocket() throws IOException {
        String missing = dir.resolve("nobody-listens").toString();
        try (Notifier notifier = Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", missing))) {
            assertThatThrownBy(() -> notifier.send(NotifyMessage.READY))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("[" + missing + "]");
        }
    }

    @Test
    void rejectsDatagramLargerThanSystemdReads() {
        Notifier notifier = Notifier.of(datagram -> { }, FIXED_CLOCK);
        NotifyMessage big = new NotifyMessage.Status("x".repeat(Notifier.MAX_DATAGRAM_BYTES));
        assertThatThrownBy(() -> notifier.send(big))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[4103] bytes");
        assertThatThrownBy(() -> notifier.send())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no notify message");
    }

    @Test
    void customSocketReceivesTheEncodedDatagram() throws IOException {
        List<String> sent = new java.util.ArrayList<>();
        Notifier notifier = Notifier.of(
                d -> sent.add(java.nio.charset.StandardCharsets.UTF_8.decode(d).toString()), FIXED_CLOCK);
        notifier.send(NotifyMessage.READY);
        assertThat(sent).containsExactly("READY=1");
    }
}
