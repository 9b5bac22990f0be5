package io.servd.cgroup.unit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SetPropertyTest {

    @Test
    void plansSystemdsExactDropIns() {
        List<DropIn> plan = SetProperty.plan(UnitName.of("web.service"), List.of(
                ResourceDirectives.parse("MemoryMax", "1.5G"),
                ResourceDirectives.parse("CPUQuota", "12.5%"),
                ResourceDirectives.parse("TasksMax", "15%")), DropInScope.PERSISTENT);

        assertThat(plan).containsExactly(
                new DropIn(Path.of("/etc/systemd/system.control/web.service.d/50-MemoryMax.conf"),
                        "# This is a drop-in unit file extension, created via \"systemctl set-property\"\n"
                                + "# or an equivalent operation. Do not edit.\n[Service]\nMemoryMax=1610612736\n"),
                new DropIn(Path.of("/etc/systemd/system.control/web.service.d/50-CPUQuota.conf"),
                        SetProperty.HEADER + "[Service]\nCPUQuota=12%\n"),
                new DropIn(Path.of("/etc/systemd/system.control/web.service.d/50-TasksMaxScale.conf"),
                        SetProperty.HEADER + "[Service]\nTasksMax=15.00%\n"));
    }

    @Test
    void transientUnitsGetTheirDropInsNextToTheirUnitFile(@org.junit.jupiter.api.io.TempDir Path transientDir)
            throws java.io.IOException {
        // systemd-run's unit file in /run/systemd/transient (only its presence matters; AgentServctlIT
        // checks the paths against what systemd 252 writes in the test-bed VM).
        java.nio.file.Files.writeString(transientDir.resolve("run-u7.service"), "[Service]\nExecStart=/bin/true\n");

        assertThat(DropInScope.forUnit("run-u7.service", false, transientDir)).isEqualTo(DropInScope.TRANSIENT);
        assertThat(DropInScope.forUnit("run-u7.service", true, transientDir)).isEqualTo(DropInScope.TRANSIENT);
        assertThat(DropInScope.forUnit("web.service", false, transientDir)).isEqualTo(DropInScope.PERSISTENT);
        assertThat(DropInScope.forUnit("web.service", true, transientDir)).isEqualTo(DropInScope.RUNTIME);
        assertThat(SetProperty.plan(UnitName.of("run-u7.service"), List.of(ResourceDirectives.parse("MemoryMax", "64M")),
                DropInScope.forUnit("run-u7.service", false, transientDir)))
                .extracting(DropIn::path)
                .containsExactly(Path.of("/run/systemd/transient/run-u7.service.d/50-MemoryMax.conf"));
    }

    @Test
    void runtimeSliceAndLastValueWins() {
        List<DropIn> plan = SetProperty.plan(UnitName.of("user-1000.slice"), List.of(
                ResourceDirectives.parse("MemoryMax", "510M"),
                ResourceDirectives.parse("MemoryMax", "512M")), DropInScope.RUNTIME);

        assertThat(plan).containsExactly(new DropIn(
                Path.of("/run/systemd/system.control/user-1000.slice.d/50-MemoryMax.conf"),
                SetProperty.HEADER + "[Slice]\nMemoryMax=536870912\n"));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"web", "web.timer", "../etc.service", "a b.service", ".service"})
    void rejectsUnitsWithoutCgroupSettings(String unit) {
        List<ResourceDirective> one = List.of(ResourceDirectives.parse("TasksMax", "5"));
        assertThatThrownBy(() -> SetProperty.plan(UnitName.of(unit), one, DropInScope.PERSISTENT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[" + unit + "]");
    }

    @Test
    void writesAtomicallyWithMode0644(@TempDir Path root) throws IOException {
        List<DropIn> plan = SetProperty.plan(UnitName.of("web.service"),
                List.of(ResourceDirectives.parse("CPUWeight", "250")), DropInScope.RUNTIME);

        new DropInWriter(root).write(plan);

        Path written = root.resolve("run/systemd/system.control/web.service.d/50-CPUWeight.conf");
        assertThat(Files.readString(written)).isEqualTo(SetProperty.HEADER + "[Service]\nCPUWeight=250\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written))).isEqualTo("rw-r--r--");
        try (var dir = Files.list(written.getParent())) {
            assertThat(dir).containsExactly(written);
        }
    }

    @Test
    void failureRestoresEarlierDropIns(@TempDir Path root) throws IOException {
        Path dir = Files.createDirectories(root.resolve("etc/systemd/system.control/web.service.d"));
        Files.writeString(dir.resolve("50-MemoryMax.conf"), "old\n");
        // the second drop-in's directory path is blocked by a plain file
        Files.writeString(root.resolve("etc/systemd/system.control/db.service.d"), "not a directory");
        List<DropIn> plan = List.of(
                SetProperty.plan(UnitName.of("web.service"), List.of(ResourceDirectives.parse("MemoryMax", "1G")), DropInScope.PERSISTENT).get(0),
                SetProperty.plan(UnitName.of("web.service"), List.of(ResourceDirectives.parse("TasksMax", "9")), DropInScope.PERSISTENT).get(0),
                SetProperty.plan(UnitName.of("db.service"), List.of(ResourceDirectives.parse("TasksMax", "9")), DropInScope.PERSISTENT).get(0));

        assertThatThrownBy(() -> new DropInWriter(root).write(plan))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("db.service.d/50-TasksMax.conf]")
                .hasMessageContaining("2 earlier drop-in(s) restored");

        assertThat(Files.readString(dir.resolve("50-MemoryMax.conf"))).isEqualTo("old\n");
        assertThat(dir.resolve("50-TasksMax.conf")).doesNotExist();
    }
}
