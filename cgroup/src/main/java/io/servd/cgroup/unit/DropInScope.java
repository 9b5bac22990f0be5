package io.servd.cgroup.unit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where {@code systemctl set-property} puts its drop-ins (systemd's {@code unit_drop_in_dir()}). */
public enum DropInScope {
    /** The default: survives reboots. */
    PERSISTENT(Path.of("/etc/systemd/system.control")),
    /** {@code --runtime}: gone after reboot. */
    RUNTIME(Path.of("/run/systemd/system.control")),
    /** Transient units (systemd-run) always get their drop-ins here, whatever was asked. */
    TRANSIENT(Path.of("/run/systemd/transient"));

    private final Path directory;

    DropInScope(Path directory) {
        this.directory = directory;
    }

    /** What {@code systemctl set-property} asks for: {@link #RUNTIME} with {@code --runtime}, else {@link #PERSISTENT}. */
    public static DropInScope requested(boolean runtime) {
        return runtime ? RUNTIME : PERSISTENT;
    }

    /**
     * The scope systemd picks for {@code unit}: {@link #TRANSIENT} when its unit file is in
     * {@code transientDirectory} (a unit made by {@code systemd-run} or {@code StartTransientUnit}),
     * else {@link #RUNTIME} or {@link #PERSISTENT} as asked.
     *
     * @param transientDirectory {@link #TRANSIENT}'s directory on a live system; another root in tests
     */
    public static DropInScope forUnit(String unit, boolean runtime, Path transientDirectory) {
        if (!unit.isEmpty() && !unit.contains("/") && Files.isRegularFile(transientDirectory.resolve(unit))) {
            return TRANSIENT;
        }
        return requested(runtime);
    }

    /** The control directory holding {@code <unit>.d/}. */
    public Path directory() {
        return directory;
    }
}
