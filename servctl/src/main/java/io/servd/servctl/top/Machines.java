package io.servd.servctl.top;

import io.servd.cgroup.CgroupMounts;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.servctl.cli.ExitCodes;
import io.servd.servctl.cli.ServctlException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code servctl top -M MACHINE}: the cgroup of a container or VM that systemd-machined registered, found
 * without D-Bus. cgtop reads the machine's scope unit from machined's state file
 * ({@code /run/systemd/machines/NAME}, line {@code SCOPE=machine-NAME.scope}) and asks systemd for that
 * unit's {@code ControlGroup}; servctl finds the scope's directory in the cgroup tree instead, below the
 * slices (a unit's cgroup is its slices' directories and then its own name). Where machined is absent
 * (containers from docker, podman or lxc), {@code -M} takes the container's cgroup path itself, starting
 * with {@code /}.
 */
final class Machines {

    /** Host names as systemd's {@code hostname_is_valid()}: dot-separated labels of letters, digits, '-' and '_'. */
    private static final Pattern MACHINE_NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    private static final int HOST_NAME_MAX = 64;

    private final Path stateDirectory;

    /** @param stateDirectory where systemd-machined keeps one state file per machine: /run/systemd/machines */
    Machines(Path stateDirectory) {
        this.stateDirectory = Objects.requireNonNull(stateDirectory, "stateDirectory");
    }

    /**
     * The cgroup path of {@code machine}, or {@code machine} itself when it is a path.
     *
     * @throws ServctlException usage error for a name that is neither; failure when the machine or its cgroup
     *                          is not there
     */
    String cgroupOf(String machine, CgroupMounts mounts) throws ServctlException {
        if (machine.startsWith("/")) {
            return machine;
        }
        if (machine.length() > HOST_NAME_MAX || !MACHINE_NAME.matcher(machine).matches()) {
            throw TopArguments.invalid("--machine", machine,
                    "neither a machine name (a host name) nor a cgroup path starting with /");
        }
        Path state = stateDirectory.resolve(machine);
        String scope = scope(machine, state);
        for (CgroupRoot root : mounts.treeRoots()) {
            Optional<String> group = findUnit(root.mountPoint(), scope);
            if (group.isPresent()) {
                return group.get();
            }
        }
        throw new ServctlException(ExitCodes.FAILURE, "machine [" + machine + "]: its scope [" + scope
                + "] has no cgroup below any slice of [" + mounts.treeRoots().stream().findFirst()
                .map(CgroupRoot::mountPoint).map(Path::toString).orElse("") + "]");
    }

    private static String scope(String machine, Path state) throws ServctlException {
        String text;
        try {
            text = Files.readString(state, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ServctlException(ExitCodes.FAILURE, "no machine [" + machine + "]: [" + state
                    + "] does not exist (systemd-machined knows no such machine); for a container machined does not"
                    + " know, give its cgroup: -M /PATH");
        } catch (IOException e) {
            throw new ServctlException(ExitCodes.FAILURE, "reading [" + state + "] failed: " + e.getMessage(), e);
        }
        // machined's state file: KEY=VALUE lines (an env file), e.g. SCOPE=machine-foo.scope
        for (String line : text.split("\n")) {
            if (line.startsWith("SCOPE=")) {
                String unit = line.substring("SCOPE=".length()).strip();
                if (unit.length() >= 2 && unit.startsWith("\"") && unit.endsWith("\"")) {
                    unit = unit.substring(1, unit.length() - 1);
                }
                if (!unit.isEmpty() && !unit.contains("/")) {
                    return unit;
                }
                throw new ServctlException(ExitCodes.FAILURE, "bad SCOPE= [" + unit + "] in [" + state + "]");
            }
        }
        throw new ServctlException(ExitCodes.FAILURE, "no SCOPE= in [" + state + "]");
    }

    /** Breadth first through the {@code *.slice} directories below {@code mount}, for a child named {@code unit}. */
    private static Optional<String> findUnit(Path mount, String unit) {
        Deque<Path> slices = new ArrayDeque<>();
        slices.add(mount);
        while (!slices.isEmpty()) {
            Path slice = slices.poll();
            if (Files.isDirectory(slice.resolve(unit), LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of("/" + mount.relativize(slice.resolve(unit)).toString().replace('\\', '/'));
            }
            try (DirectoryStream<Path> children = Files.newDirectoryStream(slice, "*.slice")) {
                for (Path child : children) {
                    if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                        slices.add(child);
                    }
                }
            } catch (IOException e) {
                // a slice that vanished or cannot be listed holds nothing we can show
            }
        }
        return Optional.empty();
    }
}
