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
 * to its previous value, so nothing is left half-applied. A successful apply returns those previous
 * values as writes, so that a caller whose next step fails (the drop-ins) can put them back with
 * {@link #restore}. Kernel errors arrive as the JDK maps them:
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
     * @return the writes that undo this one: each file's value before, as the kernel printed it, in
     *         reverse order (last written first); give them to {@link #restore}
     * @throws CgroupWriteException          naming the file and value that failed (validation, write or read-back)
     * @throws ControllerNotEnabledException when a file is missing because its controller is not enabled
     * @throws IOException          when reading the current values fails before anything was written
     */
    public List<CgroupWrite> apply(CgroupDir dir, List<CgroupWrite> writes) throws IOException {
        List<String> previous = new ArrayList<>();
        List<CgroupWrite> undo = new ArrayList<>();
        for (CgroupWrite w : writes) {
            Path file = dir.file(w.file());
            validate(dir, w, file);
            String current = current(w, Files.readString(file, StandardCharsets.UTF_8).strip());
            if (current.isEmpty() && !isCpuset(w.file()) || current.contains("\n")) {
                // a limit file prints one line; anything else could not be written back on failure
                throw new CgroupWriteException(file, w.content(), "current value [" + current + "] cannot be restored", null);
            }
            previous.add(current);
            undo.add(0, new CgroupWrite(w.file(), current));
        }
        for (int i = 0; i < writes.size(); i++) {
            CgroupWrite w = writes.get(i);
            Path file = dir.file(w.file());
            try {
                write(file, w.content());
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
        return List.copyOf(undo);
    }

    /**
     * Puts back what {@link #apply} returned, every write attempted even when one fails. Not validated:
     * the values are the kernel's own.
     *
     * @throws CgroupWriteException naming the first file that could not be restored; the others that failed
     *                              are attached as suppressed
     */
    public void restore(CgroupDir dir, List<CgroupWrite> undo) throws CgroupWriteException {
        CgroupWriteException failure = null;
        for (CgroupWrite w : undo) {
            Path file = dir.file(w.file());
            try {
                write(file, w.content());
            } catch (IOException e) {
                var failed = new CgroupWriteException(file, w.content(), "restoring failed", e);
                if (failure == null) {
                    failure = failed;
                } else {
                    failure.addSuppressed(failed);
                }
            }
        }
        if (failure != null) {
            throw failure;
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
                case MEMORY_MAX, MEMORY_HIGH, MEMORY_LOW, MEMORY_MIN, MEMORY_SWAP_MAX, MEMORY_ZSWAP_MAX ->
                        ByteSize.parseCgroupLimit(w.content(), file);
                case CPUSET_CPUS, CPUSET_MEMS -> CpusetCpus.parseCgroup(w.content().replace(' ', ','), file);
                case IO_WEIGHT, IO_MAX -> IoLines.validate(w, file);
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

    /** An empty write must still reach the kernel: {@code cpuset.cpus} "" lifts the restriction. */
    private void write(Path file, String content) throws IOException {
        fileWrite.write(file, content.isEmpty() ? "\n" : content);
    }

    /**
     * What to put back: the whole value of a one-value file; for {@code io.weight}/{@code io.max}, whose
     * lines are keyed by device, the line of the written key or the line that clears it.
     */
    private static String current(CgroupWrite w, String content) {
        return IoLines.isKeyed(w.file()) ? IoLines.current(w, content) : content;
    }

    private static boolean isCpuset(CgroupFile f) {
        return f == CgroupFile.CPUSET_CPUS || f == CgroupFile.CPUSET_MEMS;
    }

    /**
     * The kernel stores memory limits in pages and prints them rounded down; prints cpu lists with commas;
     * prints {@code io.weight}/{@code io.max} as one line per device.
     */
    private static boolean readsBackAs(CgroupWrite w, String readBack) {
        if (readBack.equals(w.content())) {
            return true;
        }
        if (IoLines.isKeyed(w.file())) {
            return IoLines.readsBackAs(w, readBack);
        }
        if (isCpuset(w.file())) {
            return readBack.equals(w.content().replace(' ', ','));
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
                || f == CgroupFile.MEMORY_MIN || f == CgroupFile.MEMORY_SWAP_MAX || f == CgroupFile.MEMORY_ZSWAP_MAX;
    }

    private void restore(CgroupDir dir, List<CgroupWrite> written, List<String> previous, CgroupWriteException failure) {
        for (int i = written.size() - 1; i >= 0; i--) {
            Path file = dir.file(written.get(i).file());
            try {
                write(file, previous.get(i));
            } catch (IOException e) {
                failure.addSuppressed(new CgroupWriteException(file, previous.get(i), "restoring failed", e));
            }
        }
    }
}
