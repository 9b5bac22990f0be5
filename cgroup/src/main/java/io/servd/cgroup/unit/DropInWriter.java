package io.servd.cgroup.unit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Writes planned drop-ins atomically and durably, as systemd's {@code write_string_file_atomic()}
 * with {@code WRITE_STRING_FILE_SYNC}: a temporary file {@code .#<name><random>} in the target
 * directory, mode 0644, fsync'd, renamed over the target, then the directory fsync'd so the rename
 * itself survives a crash (a new {@code <unit>.d} also gets its parent fsync'd).
 *
 * <p>All or none for one call: every temporary file is written and fsync'd before the first rename,
 * so a full disk or an I/O error changes no drop-in. If a rename or a directory fsync fails, the
 * drop-ins already renamed are put back (old content, or removed if new) and the remaining temporary
 * files deleted. A crash (kill -9) between two renames can still leave some renamed: a rename per
 * file is the finest step POSIX offers.
 */
public final class DropInWriter {

    /** The two steps that make a rename durable; the seam tests use to fail or observe them. */
    interface Disk {
        /** fsync(2) of a file or a directory. */
        void force(Path path) throws IOException;

        /** rename(2) of {@code temp} over {@code target}, in the same directory. */
        void rename(Path temp, Path target) throws IOException;
    }

    /** Linux: a directory opened read-only can be fsync'd; the JDK opens it with O_RDONLY. */
    private static final Disk SYSTEM = new Disk() {
        @Override
        public void force(Path path) throws IOException {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                channel.force(true);
            }
        }

        @Override
        public void rename(Path temp, Path target) throws IOException {
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("file system cannot rename atomically in [" + target.getParent() + "]", e);
            }
        }
    };

    private final Path root;
    private final Disk disk;

    /**
     * @param root the file system root the absolute drop-in paths are resolved against: {@code /} in
     *             production, a temporary directory in tests
     */
    public DropInWriter(Path root) {
        this(root, SYSTEM);
    }

    DropInWriter(Path root, Disk disk) {
        this.root = Objects.requireNonNull(root, "root");
        this.disk = Objects.requireNonNull(disk, "disk");
    }

    /** One drop-in being written: where, what was there, and its fsync'd temporary file. */
    private static final class Pending {
        final Path target;
        final Optional<String> previous;
        final String content;
        Path temp;
        boolean renamed;

        Pending(Path target, Optional<String> previous, String content) {
            this.target = target;
            this.previous = previous;
            this.content = content;
        }
    }

    /**
     * Writes every drop-in or none.
     *
     * @throws IOException naming the drop-in file that failed; what was renamed already is restored first
     */
    public void write(List<DropIn> dropIns) throws IOException {
        List<Pending> pending = new ArrayList<>();
        for (DropIn d : dropIns) {
            Path target = d.under(root);
            if (Files.isDirectory(target)) {
                throw new IOException("drop-in target is a directory [" + target + "]");
            }
            Optional<String> previous = Files.exists(target)
                    ? Optional.of(Files.readString(target, StandardCharsets.UTF_8)) : Optional.empty();
            pending.add(new Pending(target, previous, d.content()));
        }
        Set<Path> dirs = new LinkedHashSet<>();
        for (int i = 0; i < pending.size(); i++) {
            Pending p = pending.get(i);
            try {
                dirs.addAll(createDirectories(p.target.getParent()));
                dirs.add(p.target.getParent());
                p.temp = writeTemp(p.target, p.content);
            } catch (IOException e) {
                // nothing renamed yet: the earlier drop-ins are as they were once their temporary files are gone
                IOException failure = failure(p.target, i, e);
                deleteTemps(pending, failure);
                throw failure;
            }
        }
        Path current = null;
        try {
            for (Pending p : pending) {
                current = p.target;
                disk.rename(p.temp, p.target);
                p.renamed = true;
            }
            for (Path dir : dirs) {
                current = dir;
                disk.force(dir);
            }
        } catch (IOException e) {
            IOException failure = failure(current, (int) pending.stream().filter(p -> p.renamed).count(), e);
            restore(pending, failure);
            deleteTemps(pending, failure);
            throw failure;
        }
    }

    private static IOException failure(Path what, int restored, IOException cause) {
        return new IOException("writing drop-in [" + what + "] failed"
                + (restored == 0 ? "" : ", " + restored + " earlier drop-in(s) restored") + ": " + cause.getMessage(), cause);
    }

    /**
     * Creates {@code dir} and its missing parents; returns the parents of the ones created, which
     * must be fsync'd for the new directories' entries to be durable.
     */
    private static List<Path> createDirectories(Path dir) throws IOException {
        List<Path> parents = new ArrayList<>();
        for (Path d = dir; d != null && !Files.isDirectory(d); d = d.getParent()) {
            if (d.getParent() != null) {
                parents.add(0, d.getParent());
            }
        }
        Files.createDirectories(dir);
        return parents;
    }

    private Path writeTemp(Path target, String content) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), ".#" + target.getFileName(), "",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            disk.force(temp);
            return temp;
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** Puts back what was renamed already, last first: the old content (written atomically again) or nothing. */
    private void restore(List<Pending> pending, IOException failure) {
        for (int i = pending.size() - 1; i >= 0; i--) {
            Pending p = pending.get(i);
            if (!p.renamed) {
                continue;
            }
            try {
                if (p.previous.isPresent()) {
                    Path temp = writeTemp(p.target, p.previous.get());
                    try {
                        disk.rename(temp, p.target);
                    } finally {
                        Files.deleteIfExists(temp); // gone after a rename; left over after a failed one
                    }
                } else {
                    Files.deleteIfExists(p.target);
                }
                disk.force(p.target.getParent());
            } catch (IOException r) {
                failure.addSuppressed(r);
            }
        }
    }

    private static void deleteTemps(List<Pending> pending, IOException failure) {
        for (Pending p : pending) {
            if (p.temp != null && !p.renamed) {
                try {
                    Files.deleteIfExists(p.temp);
                } catch (IOException d) {
                    failure.addSuppressed(d);
                }
            }
        }
    }
}
