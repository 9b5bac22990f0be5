package io.servd.cgroup;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * One line of {@code /proc/<pid>/mountinfo} (proc(5)):
 * <pre>
 * 36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 * (1)(2)(3)   (4)   (5)         (6)       (7)     (8) (9)  (10)      (11)
 * </pre>
 * (4) root of the mount within its file system, (5) mount point, (7) zero or more optional fields
 * ended by (8) {@code "-"}, (9) file system type, (10) source, (11) super options. For cgroup v1 the
 * super options list the hierarchy's controllers ({@code rw,cpu,cpuacct}, {@code rw,name=systemd}).
 * The kernel escapes space, tab, newline and backslash in (4), (5) and (10) as {@code \ooo} octal.
 *
 * @param root a bind mount of a sub-tree (container runtimes) has a root other than {@code "/"}
 */
record MountInfoLine(String root, Path mountPoint, String fsType, Set<String> superOptions) {

    MountInfoLine {
        superOptions = Set.copyOf(superOptions);
    }

    static List<MountInfoLine> parse(String content, Path file) throws MalformedCgroupFileException {
        List<MountInfoLine> mounts = new ArrayList<>();
        for (String line : content.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(" ");
            int separator = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    separator = i;
                    break;
                }
            }
            if (separator < 0 || f.length < separator + 4) {
                throw new MalformedCgroupFileException(file, line, "expected mountinfo fields around \" - \"");
            }
            String root = unescape(f[3], line, file);
            String mountPoint = unescape(f[4], line, file);
            if (!root.startsWith("/") || !mountPoint.startsWith("/")) {
                throw new MalformedCgroupFileException(file, line, "mount root and mount point must be absolute");
            }
            Path point;
            try {
                point = Path.of(mountPoint);
            } catch (InvalidPathException e) { // a NUL, written as \000
                throw new MalformedCgroupFileException(file, line, "mount point is not a path");
            }
            // Set.of would throw on a repeated option ("rw,cpu,rw", or the empty ones of "rw,,,cpu").
            mounts.add(new MountInfoLine(root, point, f[separator + 1],
                    Set.copyOf(Arrays.asList(f[separator + 3].split(",")))));
        }
        return List.copyOf(mounts);
    }

    /** Decodes the kernel's {@code \ooo} octal escapes ({@code \040} is a space). */
    static String unescape(String field, String line, Path file) throws MalformedCgroupFileException {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (i + 4 > field.length()) {
                throw new MalformedCgroupFileException(file, line, "truncated octal escape");
            }
            String octal = field.substring(i + 1, i + 4);
            if (!octal.chars().allMatch(d -> d >= '0' && d <= '7')) {
                throw new MalformedCgroupFileException(file, line, "invalid octal escape");
            }
            out.append((char) Integer.parseInt(octal, 8));
            i += 3;
        }
        return out.toString();
    }
}
