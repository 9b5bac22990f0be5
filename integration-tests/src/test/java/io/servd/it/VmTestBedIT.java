package io.servd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The VM is what DESIGN §7 promises: systemd as PID 1, cgroup v2 with the controllers we read. */
@ExtendWith(VmExtension.class)
class VmTestBedIT {

    @Test
    void systemdRunsWithoutFailedUnits(Vm vm) throws IOException {
        GuestResult state = vm.exec(Duration.ofMinutes(5), "systemctl", "is-system-running", "--wait");

        assertThat(state.stdout().trim()).as(state.describe()).isEqualTo("running");
        assertThat(vm.exec("cat", "/proc/1/comm").orThrow().stdout().trim()).isEqualTo("systemd");
    }

    @Test
    void unifiedHierarchyHasTheControllersServdReads(Vm vm) throws IOException {
        assertThat(vm.exec("stat", "-f", "-c", "%T", "/sys/fs/cgroup").orThrow().stdout().trim())
                .isEqualTo("cgroup2fs");
        assertThat(vm.exec("cat", "/sys/fs/cgroup/cgroup.controllers").orThrow().stdout().trim().split(" "))
                .contains("cpu", "memory", "io", "pids");
    }

    @Test
    void guestReachesNothingButLoopbackAndItsOwnLink(Vm vm) throws IOException {
        GuestResult routes = vm.exec("ip", "route", "show", "default").orThrow();
        GuestResult routes6 = vm.exec("ip", "-6", "route", "show", "default").orThrow();

        assertThat(routes.stdout()).as("ipv4 default route").isBlank();
        assertThat(routes6.stdout()).as("ipv6 default route").isBlank();
    }
}
