package io.servd.cgroup;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A number of bytes, never negative.
 *
 * @param bytes the size in bytes
 */
public record ByteSize(long bytes) {

    private static final String[] IEC_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative size [" + bytes + "]");
        }
    }

    public static ByteSize ofBytes(long bytes) {
        return new ByteSize(bytes);
    }

    public static ByteSize ofMebibytes(long mebibytes) {
        return new ByteSize(Math.multiplyExact(mebibytes, 1024L * 1024L));
    }

    /**
     * Parses a cgroup v2 byte-limit file ({@code memory.max}, {@code memory.high}, {@code memory.low},
     * {@code memory.min}, {@code memory.swap.max}): {@code "max"} or a decimal number of bytes.
     *
     * @param raw  the file content; surrounding white space and the trailing newline are ignored
     * @param file where {@code raw} came from, named in the exception
     * @throws MalformedCgroupFileException if {@code raw} is neither
     */
    public static Limit<ByteSize> parseCgroupLimit(String raw, Path file) throws MalformedCgroupFileException {
        String value = raw.strip();
        if (value.equals("max")) {
            return Limit.unlimited();
        }
        return Limit.atMost(new ByteSize(parseCount(value, raw, file)));
    }

    /** Formats {@code limit} as a cgroup v2 byte-limit file expects it: {@code "max"} or decimal bytes. */
    public static String formatCgroupLimit(Limit<ByteSize> limit) {
        if (limit instanceof Limit.AtMost<ByteSize> atMost) {
            return Long.toString(atMost.value().bytes());
        }
        return "max";
    }

    /**
     * Parses a non-negative decimal count as the kernel prints it (no sign, no suffix).
     *
     * @throws MalformedCgroupFileException naming {@code raw} and {@code file} otherwise
     */
    static long parseCount(String value, String raw, Path file) throws MalformedCgroupFileException {
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new MalformedCgroupFileException(file, raw, "expected a non-negative decimal number");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new MalformedCgroupFileException(file, raw, "number out of range");
        }
    }

    /** A short human form with binary units and one decimal, e.g. {@code "64.0 MiB"} or {@code "512 B"}. */
    public String humanReadable() {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = 0;
        double value = bytes;
        while (value >= 1024 && unit < IEC_UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, IEC_UNITS[unit]);
    }
}
