package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.fs.CgroupFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Turns the raw text of one interface file into a value; names the file when it cannot. */
@FunctionalInterface
interface CgroupParser<T> {

    T parse(String raw, Path file) throws MalformedCgroupFileException;

    /** Reads {@code file} in {@code dir} and parses it; empty when the file does not exist. */
    static <T> Optional<T> read(CgroupDir dir, CgroupFile file, CgroupParser<T> parser) throws IOException {
        Optional<String> raw = dir.read(file);
        return raw.isPresent() ? Optional.of(parser.parse(raw.get(), dir.file(file))) : Optional.empty();
    }

    /** A single non-negative number of bytes ({@code memory.current}, {@code memory.peak}). */
    static ByteSize parseBytes(String raw, Path file) throws MalformedCgroupFileException {
        return ByteSize.ofBytes(ByteSize.parseCount(raw.strip(), raw, file));
    }
}
