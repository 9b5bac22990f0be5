package io.servd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The VM is what DESIGN §7 promises: systemd of the suite's version as PID 1, cgroup v2 with the
 * controllers we read, no network. This class runs on bookworm; {@code trixie.TrixieTestBedIT}
 * runs the same on trixie.
 */
@ExtendWith(VmExtension.class)
public class VmTestBedIT {

    /** The major version of systemd this suite ships: Debian 12 (bookworm) has 252. */
    protected int systemdVersion() {
        return 252;
    }

    @Test
    public void systemdOfTheSuitesVersionIsPid1(Vm vm) throws IOException {
        assertThat(vm.exec("cat", "/proc/1/comm").orThrow().stdout().trim()).isEqualTo("systemd");
        assertThat(vm.exec("systemctl", "--version").orThrow().stdout().lines().findFirst().orElse(""))
                .as("systemctl --version on %s", vm.suite()).startsWith("systemd " + systemdVersion() + " ");
    }

    @Test
    public void systemdRunsWithoutFailedUnits(Vm vm) throws IOException {
        GuestResult state = vm.exec(Duration.ofMinutes(5), "systemctl", "is-system-running", "--wait");

        assertThat(state.stdout().trim()).as(state.describe()).isEqualTo("running");
    }

    @Test
    public void unifiedHierarchyHasTheControllersServdReads(Vm vm) throws IOException {
        assertThat(vm.exec("stat", "-f", "-c", "%T", "/sys/fs/cgroup").orThrow().stdout().trim())
                .isEqualTo("cgroup2fs");
        assertThat(vm.exec("cat", "/sys/fs/cgroup/cgroup.controllers").orThrow().stdout().trim().split(" "))
                .contains("cpu", "memory", "io", "pids");
    }

    @Test
    public void guestReachesNothingButLoopbackAndItsOwnLink(Vm vm) throws IOException {
        GuestResult routes = vm.exec("ip", "route", "show", "default").orThrow();
        GuestResult routes6 = vm.exec("ip", "-6", "route", "show", "default").orThrow();

        assertThat(routes.stdout()).as("ipv4 default route").isBlank();
        assertThat(routes6.stdout()).as("ipv6 default route").isBlank();
    }
}
