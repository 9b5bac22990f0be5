package io.servd.servctl.top;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servd.cgroup.CgroupMounts;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;
import io.servd.servctl.ServctlDefaults;
import io.servd.servctl.ServctlMain;
import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.ServctlException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code -M}: a machine's cgroup from systemd-machined's state file and the tree, without D-Bus; or a path.
 * The state file is in machined's format (a comment line, then KEY=VALUE).
 */
class MachinesTest {

    @TempDir
    Path tmp;

    Path root;
    Path state;
    Machines machines;
    CgroupMounts mounts;

    @BeforeEach
    void tree() throws IOException {
        root = Fixtures.copy("debian12-systemd252", tmp);
        Files.createDirectories(root.resolve("machine.slice/machine-web.scope/payload"));
        Files.createDirectories(root.resolve("apps.slice/apps-vm.slice/machine-vm.scope"));
        state = Files.createDirectories(tmp.resolve("machines"));
        machine("web", "machine-web.scope");
        machine("vm", "machine-vm.scope");
        machines = new Machines(state);
        mounts = CgroupMounts.detect(new CgroupRoot(root));
    }

    void machine(String name, String scope) throws IOException {
        Files.writeString(state.resolve(name), "# This is private data. Do not parse.\nNAME=" + name
                + "\nSCOPE=" + scope + "\nSERVICE=systemd-nspawn\nCLASS=container\nLEADER=4711\n");
    }

    @Test
    void aMachineIsItsScopesCgroupBelowTheSlices() throws ServctlException {
        assertThat(machines.cgroupOf("web", mounts)).isEqualTo("/machine.slice/machine-web.scope");
        // machined may place a scope in any slice
        assertThat(machines.cgroupOf("vm", mounts)).isEqualTo("/apps.slice/apps-vm.slice/machine-vm.scope");
    }

    @Test
    void aPathIsTakenAsTheMachinesCgroup() throws ServctlException {
        assertThat(machines.cgroupOf("/system.slice/docker-1f2e.scope", mounts)).isEqualTo("/system.slice/docker-1f2e.scope");
    }

    @Test
    void errorsNameTheMachineAndWhatIsMissing() throws IOException {
        assertThatThrownBy(() -> machines.cgroupOf("../etc", mounts)).isInstanceOf(ServctlException.class)
                .hasMessageStartingWith("invalid --machine [../etc]: neither a machine name")
                .extracting(e -> ((ServctlException) e).exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThatThrownBy(() -> machines.cgroupOf("db", mounts))
                .hasMessage("no machine [db]: [" + state.resolve("db") + "] does not exist (systemd-machined knows"
                        + " no such machine); for a container machined does not know, give its cgroup: -M /PATH")
                .extracting(e -> ((ServctlException) e).exitCode()).isEqualTo(ExitCodes.FAILURE);
        machine("gone", "machine-gone.scope");
        assertThatThrownBy(() -> machines.cgroupOf("gone", mounts))
                .hasMessageStartingWith("machine [gone]: its scope [machine-gone.scope] has no cgroup below any slice");
        Files.writeString(state.resolve("odd"), "NAME=odd\n");
        assertThatThrownBy(() -> machines.cgroupOf("odd", mounts)).hasMessage("no SCOPE= in [" + state.resolve("odd") + "]");
    }

    @Test
    void topShowsOnlyTheMachine() {
        CommandLine cl = ServctlMain.commandLine(new ServctlDefaults(tmp.resolve("none.sock"),
                URI.create("http://127.0.0.1:9"), new CgroupRoot(root), new ProcFs(tmp.resolve("proc")), state));
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("top", "-b", "-1", "-d", "1ms", "-M", "web", "--order=path")).isZero();
        assertThat(out.toString().lines().skip(3).map(l -> l.split(" ")[0]))
                .containsExactly("/machine.slice/machine-web.scope", "/machine.slice/machine-web.scope/payload");
    }
}
