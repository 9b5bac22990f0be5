package io.servd.servctl;

import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where servctl looks when no flag says otherwise; {@link #system()} in {@code main}, others in tests.
 *
 * @param controlSocket the agent's control socket, used when it exists
 * @param agentUrl      the agent's HTTP address otherwise
 * @param cgroupRoot    what {@code servctl top} reads: the cgroup mount (unified) or the tmpfs of hierarchies
 * @param proc          where {@code servctl top -P} tells kernel threads ({@code /proc/PID/stat})
 * @param machines      systemd-machined's state files, where {@code servctl top -M NAME} finds a machine
 */
public record ServctlDefaults(Path controlSocket, URI agentUrl, CgroupRoot cgroupRoot, ProcFs proc, Path machines) {

    /** {@code /run/systemd/machines}: systemd-machined's state directory. */
    public static final Path MACHINES = Path.of("/run/systemd/machines");

    public ServctlDefaults {
        Objects.requireNonNull(controlSocket, "controlSocket");
        Objects.requireNonNull(agentUrl, "agentUrl");
        Objects.requireNonNull(cgroupRoot, "cgroupRoot");
        Objects.requireNonNull(proc, "proc");
        Objects.requireNonNull(machines, "machines");
    }

    /** The system's {@code /proc} and machines directory, the other three as given. */
    public ServctlDefaults(Path controlSocket, URI agentUrl, CgroupRoot cgroupRoot) {
        this(controlSocket, agentUrl, cgroupRoot, ProcFs.system(), MACHINES);
    }

    /**
     * {@code /run/servd/control.sock}, {@code http://127.0.0.1:9470}, {@code /sys/fs/cgroup}, {@code /proc},
     * {@code /run/systemd/machines}.
     */
    public static ServctlDefaults system() {
        return new ServctlDefaults(Path.of("/run/servd/control.sock"), URI.create("http://127.0.0.1:9470"),
                CgroupRoot.system());
    }
}
