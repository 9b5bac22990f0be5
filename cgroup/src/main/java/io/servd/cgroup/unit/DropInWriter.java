package io.servd.cgroup.unit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes planned drop-ins atomically, as systemd's {@code write_string_file_atomic()}: a temporary file
 * {@code .#<name><random>} in the target directory, mode 0644, renamed over the target. If any drop-in
 * fails, the ones already written are put back (old content, or removed if new), so the set is applied
 * whole or not at all.
 */
public final class DropInWriter {

    private final Path root;

    /**
     * @param root the file system root the absolute drop-in paths are resolved against: {@code /} in
     *             production, a temporary directory in tests
     */
    public DropInWriter(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /**
     * Writes every drop-in or none.
     *
     * @throws IOException naming the drop-in file that failed; earlier ones are restored first
     */
    public void write(List<DropIn> dropIns) throws IOException {
        List<Path> targets = new ArrayList<>();
        List<Optional<String>> previous = new ArrayList<>();
        for (DropIn d : dropIns) {
            Path target = root.resolve(d.path().getRoot().relativize(d.path()).toString());
            if (Files.isDirectory(target)) {
                throw new IOException("drop-in target is a directory [" + target + "]");
            }
            targets.add(target);
            previous.add(Files.exists(target) ? Optional.of(Files.readString(target, StandardCharsets.UTF_8)) : Optional.empty());
        }
        for (int i = 0; i < dropIns.size(); i++) {
            try {
                atomicWrite(targets.get(i), dropIns.get(i).content());
            } catch (IOException e) {
                IOException failure = new IOException("writing drop-in [" + targets.get(i) + "] failed"
                        + (i == 0 ? "" : ", " + i + " earlier drop-in(s) restored") + ": " + e.getMessage(), e);
                for (int j = i - 1; j >= 0; j--) {
                    try {
                        if (previous.get(j).isPresent()) {
                            atomicWrite(targets.get(j), previous.get(j).get());
                        } else {
                            Files.deleteIfExists(targets.get(j));
                        }
                    } catch (IOException r) {
                        failure.addSuppressed(r);
                    }
                }
                throw failure;
            }
        }
    }

    private static void atomicWrite(Path target, String content) throws IOException {
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, ".#" + target.getFileName(), "",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("file system cannot rename atomically in [" + dir + "]", e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
