package io.servd.agent.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may write through the control socket: uid 0, and members of one configured group. Membership
 * is what {@code SO_PEERCRED} gives (the peer's primary gid) plus the group's member list in
 * {@code /etc/group} for the peer's user name from {@code /etc/passwd}. The files are read on each
 * check (writes are rare; membership changes apply at once); their paths are injectable for tests.
 *
 * @param group  the admitted group's name; empty admits root only
 * @param etcGroup  {@code /etc/group}
 * @param etcPasswd {@code /etc/passwd}
 */
public record ControlGroup(Optional<String> group, Path etcGroup, Path etcPasswd) {

    public ControlGroup {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(etcGroup, "etcGroup");
        Objects.requireNonNull(etcPasswd, "etcPasswd");
    }

    /** Root plus {@code group} (if any), from the system's {@code /etc/group} and {@code /etc/passwd}. */
    public static ControlGroup system(Optional<String> group) {
        return new ControlGroup(group, Path.of("/etc/group"), Path.of("/etc/passwd"));
    }

    /**
     * Whether {@code peer} may write.
     *
     * @throws IOException when a database file exists but cannot be read
     */
    public boolean admits(PeerCredentials peer) throws IOException {
        if (peer.uid() == 0) {
            return true;
        }
        if (group.isEmpty()) {
            return false;
        }
        Optional<String[]> entry = find(etcGroup, 0, group.get());
        if (entry.isEmpty() || entry.get().length < 3) {
            return false; // a configured group that does not exist admits nobody
        }
        String[] g = entry.get();
        if (String.valueOf(peer.gid()).equals(g[2])) {
            return true;
        }
        Optional<String[]> user = find(etcPasswd, 2, String.valueOf(peer.uid()));
        if (user.isEmpty() || g.length < 4 || g[3].isEmpty()) {
            return false;
        }
        return List.of(g[3].split(",")).contains(user.get()[0]);
    }

    /** The first {@code name:x:id:...} line whose field {@code column} equals {@code value}. */
    private static Optional<String[]> find(Path file, int column, String value) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        for (String line : lines) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split(":", -1);
            if (fields.length > column && fields[column].equals(value)) {
                return Optional.of(fields);
            }
        }
        return Optional.empty();
    }
}
