package io.servd.cgroup.unit;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One planned drop-in file.
 *
 * @param path    absolute path, e.g. {@code /etc/systemd/system.control/web.service.d/50-MemoryMax.conf}
 * @param content the exact file content
 */
public record DropIn(Path path, String content) {

    public DropIn {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(content, "content");
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("drop-in path must be absolute [" + path + "]");
        }
    }

    /** {@link #path()} below {@code root}: itself for {@code /}, a temporary directory's copy of the tree in tests. */
    public Path under(Path root) {
        return root.resolve(path.getRoot().relativize(path).toString());
    }
}
