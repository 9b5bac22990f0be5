package io.servd.agent.limits;

import io.servd.cgroup.unit.DropIn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The drop-ins of a {@code SetUnitProperties} call, before and after: room for them, and whether
 * systemd wrote them. Needed because systemd does not say: with the drop-in directory's file system
 * full, systemd 252 answers the call with success, sets the new values live, and writes no file (it
 * creates {@code <unit>.d/} and nothing in it; seen in the test VM with a full 1 MiB ext4 under
 * {@code /etc/systemd/system.control}). The next {@code daemon-reload} or boot then silently drops the
 * change: the unit would be half changed (live, not on disk).
 *
 * <p>Reads only: servd cannot write {@code /etc} under {@code ProtectSystem=strict}, and needs not.
 */
final class DropInCheck {

    /** The file system holding an existing path: {@link Files#getFileStore} in production; tests fill it up. */
    @FunctionalInterface
    interface Stores {
        FileStore of(Path existing) throws IOException;
    }

    private final Path root;
    private final Stores stores;

    /** @param root where the plan's absolute drop-in paths are: {@code /} in production, a temporary directory in tests */
    DropInCheck(Path root) {
        this(root, Files::getFileStore);
    }

    DropInCheck(Path root, Stores stores) {
        this.root = Objects.requireNonNull(root, "root");
        this.stores = Objects.requireNonNull(stores, "stores");
    }

    /**
     * Refuses a plan whose drop-ins cannot fit: every file and every directory still to be made take at least one block
     * (systemd writes each through a temporary file renamed over the old one). Free space is {@code f_bavail}
     * ({@link FileStore#getUsableSpace()}): not {@code f_bfree}, which on ext4 includes clusters the file
     * system keeps for itself, so that a full 1 MiB ext4 still showed free blocks there (test VM). It also
     * leaves out root's reserve, which systemd could use: refusing when only that is left errs on the safe side. Racy by nature (the file system may fill
     * after the check): {@link #notWritten} after the call is the guarantee, this the clear early answer.
     *
     * @throws LimitsException {@link LimitsException.Reason#NO_SPACE}, naming the directory and the figures
     */
    void ensureRoom(List<DropIn> dropIns) throws LimitsException {
        Map<Path, Long> filesPerDir = dropIns.stream()
                .collect(Collectors.groupingBy(d -> d.under(root).getParent(), LinkedHashMap::new, Collectors.counting()));
        for (Map.Entry<Path, Long> entry : filesPerDir.entrySet()) {
            Path dir = entry.getKey();
            long files = entry.getValue();
            try {
                Path existing = dir;
                int missingDirs = 0;
                for (; !Files.exists(existing); missingDirs++) {
                    existing = existing.getParent();
                }
                FileStore store = stores.of(existing);
                long needed = (files + missingDirs) * store.getBlockSize();
                long free = store.getUsableSpace();
                if (free < needed) {
                    throw new LimitsException(LimitsException.Reason.NO_SPACE, "no space for the drop-ins in [" + dir
                            + "]: [" + free + "] bytes free on its file system [" + store + "], [" + needed
                            + "] needed; nothing changed", null);
                }
            } catch (IOException e) {
                throw new LimitsException(LimitsException.Reason.FAILED, "cannot tell the free space for drop-ins in ["
                        + dir + "]: " + e.getMessage() + "; nothing changed", e);
            }
        }
    }

    /**
     * The same lines, in any order: a device list's lines follow systemd's list, whose order servd knows
     * only from what it read (a device first limited by another I/O directive keeps that place).
     */
    private static boolean sameLines(String content, String planned) {
        return content.equals(planned) || content.lines().sorted().toList().equals(planned.lines().sorted().toList());
    }

    /** The first drop-in that is not on disk with its planned content, described; empty when all are. */
    Optional<String> notWritten(List<DropIn> dropIns) {
        for (DropIn d : dropIns) {
            Path file = d.under(root);
            try {
                String content = Files.readString(file, StandardCharsets.UTF_8);
                if (!sameLines(content, d.content())) {
                    return Optional.of("[" + file + "] holds [" + content.strip() + "], not [" + d.content().strip() + "]");
                }
            } catch (NoSuchFileException e) {
                return Optional.of("[" + file + "] is missing");
            } catch (IOException e) {
                return Optional.of("[" + file + "] is unreadable: " + e.getMessage());
            }
        }
        return Optional.empty();
    }
}
