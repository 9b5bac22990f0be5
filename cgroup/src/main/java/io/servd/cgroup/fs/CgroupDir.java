package io.servd.cgroup.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One cgroup directory: a hierarchy root plus the cgroup's path below it.
 *
 * @param root  the hierarchy's mount point
 * @param group path below {@code root}, always absolute: {@code "/"} is the root cgroup,
 *              {@code "/system.slice/x.service"} a child; never contains {@code "."} or {@code ".."}
 */
public record CgroupDir(CgroupRoot root, String group) {

    public CgroupDir {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(group, "group");
        // Like containerd's VerifyGroupPath: only absolute, normalised paths may reach the file system.
        if (!group.startsWith("/")) {
            throw new IllegalArgumentException("cgroup path must be absolute [" + group + "]");
        }
        if (!group.equals("/")) {
            if (group.endsWith("/")) {
                throw new IllegalArgumentException("cgroup path must not end with / [" + group + "]");
            }
            for (String segment : group.substring(1).split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    throw new IllegalArgumentException("cgroup path must be normalised [" + group + "]");
                }
            }
        }
    }

    /** The directory on disk. */
    public Path path() {
        return group.equals("/") ? root.mountPoint() : root.mountPoint().resolve(group.substring(1));
    }

    /** The file {@code f} in this directory (it may not exist). */
    public Path file(CgroupFile f) {
        return path().resolve(f.fileName());
    }

    /** Whether this is the hierarchy's root cgroup. */
    public boolean isRoot() {
        return group.equals("/");
    }

    /** The parent cgroup, or empty for the root of the hierarchy. */
    public Optional<CgroupDir> parent() {
        if (isRoot()) {
            return Optional.empty();
        }
        int slash = group.lastIndexOf('/');
        return Optional.of(new CgroupDir(root, slash == 0 ? "/" : group.substring(0, slash)));
    }

    /** The child cgroup {@code name}. */
    public CgroupDir child(String name) {
        return new CgroupDir(root, isRoot() ? "/" + name : group + "/" + name);
    }

    /** Whether the directory exists. */
    public boolean exists() {
        return Files.isDirectory(path());
    }

    /**
     * Reads {@code f} as text.
     *
     * @return the content, or empty when the file does not exist (the controller is not enabled here,
     *         or the kernel does not offer the file)
     * @throws FileSystemException any other read failure (permission, I/O error, a directory in the
     *                             file's place, bytes that are not UTF-8), naming the file ({@link FileSystemException#getFile()})
     */
    public Optional<String> read(CgroupFile f) throws IOException {
        try {
            return Optional.of(Files.readString(file(f), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (FileSystemException e) {
            throw e;
        } catch (IOException e) {
            // "Is a directory", MalformedInputException...: the JDK's message lacks the path; callers count by file
            FileSystemException named = new FileSystemException(file(f).toString(), null, e.toString());
            named.initCause(e);
            throw named;
        }
    }
}
