package io.servd.servctl;

import io.servd.cgroup.fs.CgroupRoot;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where servctl looks when no flag says otherwise; {@link #system()} in {@code main}, others in tests.
 *
 * @param controlSocket the agent's control socket, used when it exists
 * @param agentUrl      the agent's HTTP address otherwise
 * @param cgroupRoot    what {@code servctl top} reads: the cgroup mount (unified) or the tmpfs of hierarchies
 */
public record ServctlDefaults(Path controlSocket, URI agentUrl, CgroupRoot cgroupRoot) {

    public ServctlDefaults {
        Objects.requireNonNull(controlSocket, "controlSocket");
        Objects.requireNonNull(agentUrl, "agentUrl");
        Objects.requireNonNull(cgroupRoot, "cgroupRoot");
    }

    /** {@code /run/servd/control.sock}, {@code http://127.0.0.1:9470}, {@code /sys/fs/cgroup}. */
    public static ServctlDefaults system() {
        return new ServctlDefaults(Path.of("/run/servd/control.sock"), URI.create("http://127.0.0.1:9470"),
                CgroupRoot.system());
    }
}
