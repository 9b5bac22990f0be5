package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The only code that writes cgroup files. {@link #apply} validates every write before the first one
 * (file present, else {@link ControllerNotEnabledException} when {@code cgroup.controllers} lacks the
 * controller; value well-formed for that file), remembers the current values, writes in order and
 * reads each file back; if a write fails or does not read back, every file written so far is restored
 * to its previous value, so nothing is left half-applied. Kernel errors arrive as the JDK maps them:
 * {@code AccessDeniedException} (EACCES, EPERM), {@code FileSystemException} "Read-only file system"
 * (EROFS), {@code NoSuchFileException} (ENOENT), {@code IOException} "Invalid argument" (EINVAL).
 */
public final class CgroupWriter {

    /** Writes one file; the seam tests use to make the "kernel" refuse a value, which a directory cannot. */
    @FunctionalInterface
    interface FileWrite {
        void write(Path file, String content) throws IOException;
    }

    private final FileWrite fileWrite;

    public CgroupWriter() {
        this((file, content) -> Files.writeString(file, content, StandardCharsets.UTF_8));
    }

    CgroupWriter(FileWrite fileWrite) {
        this.fileWrite = Objects.requireNonNull(fileWrite, "fileWrite");
    }

    /**
     * Applies {@code writes} to {@code dir}, all or nothing.
     *
     * @throws CgroupWriteException          naming the file and value that failed (validation, write or read-back)
     * @throws ControllerNotEnabledException when a file is missing because its controller is not enabled
     * @throws IOException          when reading the current values fails before anything was written
     */
    public void apply(CgroupDir dir, List<CgroupWrite> writes) throws IOException {
        List<String> previous = new ArrayList<>();
        for (CgroupWrite w : writes) {
            Path file = dir.file(w.file());
            validate(dir, w, file);
            previous.add(Files.readString(file, StandardCharsets.UTF_8).strip());
        }
        for (int i = 0; i < writes.size(); i++) {
            CgroupWrite w = writes.get(i);
            Path file = dir.file(w.file());
            try {
                fileWrite.write(file, w.content());
                String readBack = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!readsBackAs(w, readBack)) {
                    throw new IOException("read back [" + readBack + "]");
                }
            } catch (IOException e) {
                CgroupWriteException failure = new CgroupWriteException(file, w.content(),
                        "writing failed" + (i == 0 ? "" : ", " + i + " earlier write(s) restored"), e);
                restore(dir, writes.subList(0, i + 1), previous, failure);
                throw failure;
            }
        }
    }

    private static void validate(CgroupDir dir, CgroupWrite w, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            // cpu.max -> "cpu": interface files are named after their controller
            String controller = w.file().fileName().substring(0, w.file().fileName().indexOf('.'));
            var available = dir.read(CgroupFile.CGROUP_CONTROLLERS);
            if (available.isPresent() && !java.util.List.of(available.get().strip().split(" ")).contains(controller)) {
                throw new ControllerNotEnabledException(controller, dir.path(), available.get());
            }
            throw new CgroupWriteException(file, w.content(), "no such cgroup file", null);
        }
        try {
            switch (w.file()) {
                case CPU_MAX -> CpuMax.parseCgroup(w.content(), file);
                case CPU_WEIGHT -> CpuWeight.parseCgroup(w.content(), file);
                case PIDS_MAX -> PidsMax.parseCgroup(w.content(), file);
                case MEMORY_MAX, MEMORY_HIGH, MEMORY_LOW, MEMORY_MIN, MEMORY_SWAP_MAX -> ByteSize.parseCgroupLimit(w.content(), file);
                case CPU_IDLE -> {
                    if (!w.content().equals("0") && !w.content().equals("1")) {
                        throw new MalformedCgroupFileException(file, w.content(), "expected 0 or 1");
                    }
                }
                default -> throw new CgroupWriteException(file, w.content(), "not a writable limit file", null);
            }
        } catch (MalformedCgroupFileException e) {
            throw new CgroupWriteException(file, w.content(), "invalid value", e);
        }
    }

    /** The kernel stores memory limits in pages and prints them rounded down. */
    private static boolean readsBackAs(CgroupWrite w, String readBack) {
        if (readBack.equals(w.content())) {
            return true;
        }
        if (isMemoryLimit(w.file()) && !w.content().equals("max") && readBack.chars().allMatch(Character::isDigit)) {
            long written = Long.parseLong(w.content());
            long read = Long.parseLong(readBack);
            return read <= written && written - read < 65_536 && read % 4096 == 0;
        }
        return false;
    }

    private static boolean isMemoryLimit(CgroupFile f) {
        return f == CgroupFile.MEMORY_MAX || f == CgroupFile.MEMORY_HIGH || f == CgroupFile.MEMORY_LOW
                || f == CgroupFile.MEMORY_MIN || f == CgroupFile.MEMORY_SWAP_MAX;
    }

    private void restore(CgroupDir dir, List<CgroupWrite> written, List<String> previous, CgroupWriteException failure) {
        for (int i = written.size() - 1; i >= 0; i--) {
            Path file = dir.file(written.get(i).file());
            try {
                fileWrite.write(file, previous.get(i));
            } catch (IOException e) {
                failure.addSuppressed(new CgroupWriteException(file, previous.get(i), "restoring failed", e));
            }
        }
    }
}
