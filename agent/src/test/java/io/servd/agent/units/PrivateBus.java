package io.servd.agent.units;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code dbus-daemon} of our own on a socket in a temp directory (never the host's buses), that a
 * test can kill and start again on the same address. Without {@code dbus-daemon} (Debian package
 * {@code dbus}) the test is skipped, and fails under {@code CI=true} (CiAssumptions).
 */
final class PrivateBus implements AutoCloseable {
    static final Path DAEMON = Path.of("/usr/bin/dbus-daemon");

    private final Path config;
    private final String address;
    private Process daemon;

    private PrivateBus(Path dir) throws IOException {
        Path socket = dir.resolve("bus");
        this.address = "unix:path=" + socket;
        this.config = dir.resolve("bus.conf");
        // a session-type bus that lets its clients own any name, as a test of systemd1 needs
        Files.writeString(config, """
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
                 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>session</type>
                  <listen>%s</listen>
                  <auth>EXTERNAL</auth>
                  <policy context="default">
                    <allow send_destination="*" eavesdrop="true"/>
                    <allow eavesdrop="true"/>
                    <allow own="*"/>
                  </policy>
                </busconfig>
                """.formatted(address));
    }

    /** Starts a bus in {@code dir}. */
    static PrivateBus start(Path dir) throws IOException {
        assumeTrue(Files.isExecutable(DAEMON), "no [" + DAEMON + "]: install the Debian package dbus");
        var bus = new PrivateBus(dir);
        bus.startDaemon();
        return bus;
    }

    String address() {
        return address;
    }

    /** Starts the daemon again on the same address (after {@link #kill()}). */
    void startDaemon() throws IOException {
        daemon = new ProcessBuilder(DAEMON.toString(), "--config-file=" + config, "--nofork", "--print-address")
                .redirectErrorStream(true).start();
        // it prints its address once it listens
        var out = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("unix:")) {
            daemon.destroyForcibly();
            throw new IOException("dbus-daemon did not start: [" + line + "]");
        }
    }

    /** Kills the daemon (SIGKILL): every connection drops at once, as when the bus dies. */
    void kill() throws InterruptedException {
        daemon.destroyForcibly();
        daemon.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (daemon != null) {
            kill();
        }
    }
}
