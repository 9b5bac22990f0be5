package io.servd.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One line of {@code /proc/<pid>/cgroup}: {@code hierarchy-ID:controller-list:cgroup-path} (proc(5)).
 * The v2 line is {@code 0::/path}; v1 lines list controllers ({@code 4:memory:/x}) or a named
 * hierarchy ({@code 1:name=systemd:/x}).
 *
 * @param path the cgroup path relative to the hierarchy (or cgroup namespace) root; may contain colons
 */
record ProcCgroupLine(int hierarchyId, List<String> controllers, String path) {

    ProcCgroupLine {
        controllers = List.copyOf(controllers);
    }

    boolean isUnified() {
        return hierarchyId == 0 && controllers.isEmpty();
    }

    /** Whether this v1 line carries at least one real controller (not just {@code name=...}). */
    boolean hasV1Controllers() {
        return controllers.stream().anyMatch(c -> !c.startsWith("name="));
    }

    static List<ProcCgroupLine> parse(String content, Path file) throws MalformedCgroupFileException {
        List<ProcCgroupLine> lines = new ArrayList<>();
        for (String line : content.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            // The path is last and may itself contain ':' (Kubernetes pod paths), so split at most twice.
            String[] fields = line.split(":", 3);
            if (fields.length != 3) {
                throw new MalformedCgroupFileException(file, line, "expected hierarchy-ID:controller-list:cgroup-path");
            }
            int id;
            try {
                // The kernel prints "%d": ASCII digits only (parseInt also takes "+3" and non-ASCII digits).
                if (!fields[0].chars().allMatch(c -> c == '-' || c >= '0' && c <= '9')) {
                    throw new NumberFormatException();
                }
                id = Integer.parseInt(fields[0]);
            } catch (NumberFormatException e) {
                throw new MalformedCgroupFileException(file, line, "hierarchy ID is not a number");
            }
            if (id < 0) {
                throw new MalformedCgroupFileException(file, line, "hierarchy ID is negative");
            }
            if (!fields[2].startsWith("/")) {
                throw new MalformedCgroupFileException(file, line, "cgroup path is not absolute");
            }
            List<String> controllers = fields[1].isEmpty() ? List.of() : Arrays.asList(fields[1].split(","));
            lines.add(new ProcCgroupLine(id, controllers, fields[2]));
        }
        if (lines.isEmpty()) {
            throw new MalformedCgroupFileException(file, content, "no cgroup hierarchy listed");
        }
        return List.copyOf(lines);
    }
}
