package io.servd.cgroup.unit;

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

    /** The control directory holding {@code <unit>.d/}. */
    public Path directory() {
        return directory;
    }
}
