package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupFile;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code io.weight} and {@code io.max}: files of one line per key, where a write changes one key. The
 * kernel's formats (block/blk-iocost.c, block/blk-throttle.c):
 * <pre>
 * io.weight: "default 100" then "254:0 500" per device with its own weight; a write "254:0 default" clears it
 * io.max:    "254:0 rbps=1000000 wbps=max riops=max wiops=max" per limited device; all "max" removes the line
 * </pre>
 */
final class IoLines {

    private static final Pattern WEIGHT = Pattern.compile("(default|[0-9]{1,10}:[0-9]{1,10}) [0-9]{1,5}");
    private static final Pattern MAX = Pattern.compile(
            "[0-9]{1,10}:[0-9]{1,10} rbps=([0-9]{1,20}|max) wbps=([0-9]{1,20}|max) riops=([0-9]{1,20}|max) wiops=([0-9]{1,20}|max)");
    private static final String NO_LIMITS = " rbps=max wbps=max riops=max wiops=max";

    private IoLines() {
    }

    static boolean isKeyed(CgroupFile f) {
        return f == CgroupFile.IO_WEIGHT || f == CgroupFile.IO_MAX;
    }

    /** @throws MalformedCgroupFileException when {@code w} is not one line of its file's format */
    static void validate(CgroupWrite w, Path file) throws MalformedCgroupFileException {
        boolean ok = w.file() == CgroupFile.IO_WEIGHT ? WEIGHT.matcher(w.content()).matches() : MAX.matcher(w.content()).matches();
        if (!ok) {
            throw new MalformedCgroupFileException(file, w.content(), w.file() == CgroupFile.IO_WEIGHT
                    ? "expected \"default N\" or \"MAJ:MIN N\"" : "expected \"MAJ:MIN rbps=N wbps=N riops=N wiops=N\"");
        }
        if (w.file() == CgroupFile.IO_WEIGHT) {
            long weight = Long.parseLong(w.content().substring(w.content().indexOf(' ') + 1));
            if (weight < 1 || weight > 10_000) {
                throw new MalformedCgroupFileException(file, w.content(), "weight out of range 1..10000");
            }
        }
    }

    private static String key(String line) {
        int space = line.indexOf(' ');
        return space < 0 ? line : line.substring(0, space);
    }

    private static List<String> lines(String content) {
        return content.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** The line of {@code w}'s key in {@code content}, or the write that clears that key. */
    static String current(CgroupWrite w, String content) {
        String key = key(w.content());
        return lines(content).stream().filter(l -> key(l).equals(key)).findFirst()
                .orElse(key + (w.file() == CgroupFile.IO_WEIGHT ? " default" : NO_LIMITS));
    }

    /** Whether the file, read back, has {@code w}'s line (none when {@code w} cleared it). */
    static boolean readsBackAs(CgroupWrite w, String readBack) {
        String key = key(w.content());
        List<String> mine = lines(readBack).stream().filter(l -> key(l).equals(key)).toList();
        boolean clears = w.content().endsWith(" default") || w.content().endsWith(NO_LIMITS);
        return clears ? mine.isEmpty() : mine.equals(List.of(w.content()));
    }
}
