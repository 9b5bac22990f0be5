package io.servd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The .deb this build made, installed in the suite's VM for the classes that need servd installed but do not
 * test installing it (the agent's, the kernel's): once per VM, not once per class. A {@code dpkg -i} under TCG
 * costs 90 s and more (two CDS dumps in postinst), a purge half a minute; three classes paid both. The
 * package's own ITs ({@code ServdPackageIT}, {@code PackageLifecycleIT}) still purge and install as a user
 * does.
 *
 * <p>Reused only when all of it holds: dpkg has {@code servd} installed, this very .deb (its SHA-256, recorded
 * in the guest by the install here) put it there, and {@code dpkg --verify servd} finds no shipped file or
 * conffile changed. Otherwise: purge, install, record. Either way servd is (re)started, so each class gets a
 * fresh process with the shipped configuration.
 */
public final class InstalledServd {
    private static final String MARKER = "/var/lib/servd-it/deb.sha256";

    private InstalledServd() {
    }

    /** Installs the build's .deb unless it is installed unchanged; returns what was done, for the log. */
    public static String ensure(Vm vm, Duration dpkgTimeout) throws IOException {
        Path deb = Path.of(VmExtension.property("servd.it.deb"));
        assertThat(deb).as("the .deb (run the reactor from the root)").isRegularFile();
        String sha = sha256(deb);
        GuestResult same = vm.exec("sh", "-c", """
                [ "$(dpkg-query -W -f='${db:Status-Status}' servd 2>/dev/null)" = installed ] \
                  && [ "$(cat %s 2>/dev/null)" = %s ] && [ -z "$(dpkg --verify servd 2>&1)" ]
                """.formatted(MARKER, sha));
        if (same.exitCode() == 0) {
            vm.exec(dpkgTimeout, "systemctl", "restart", "servd.service").orThrow();
            return "servd .deb [" + sha.substring(0, 12) + "] already installed unchanged: servd restarted";
        }
        long started = System.nanoTime();
        vm.exec(dpkgTimeout, "dpkg", "--purge", "servd").orThrow();
        GuestResult install = vm.exec(dpkgTimeout, "dpkg", "-i", vm.put(deb));
        assertThat(install.exitCode()).as(install.describe()).isZero();
        vm.exec("sh", "-c", "mkdir -p \"$(dirname %1$s)\" && echo %2$s > %1$s".formatted(MARKER, sha)).orThrow();
        return "servd .deb [" + sha.substring(0, 12) + "] purged and installed in "
                + (System.nanoTime() - started) / 1_000_000 + " ms";
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a JDK algorithm", e);
        }
    }
}
