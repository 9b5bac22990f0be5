package io.servd.cgroup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Pressure stall information ({@code cpu.pressure}, {@code memory.pressure}, {@code io.pressure}).
 *
 * @param some share of time in which at least one task was stalled on the resource
 * @param full share of time in which all non-idle tasks were stalled at once; empty when the file has
 *             no {@code full} line (cpu.pressure before Linux 5.13)
 * @see <a href="https://docs.kernel.org/accounting/psi.html">PSI - Pressure Stall Information</a>
 */
public record Pressure(Line some, Optional<Line> full) {

    public Pressure {
        Objects.requireNonNull(some, "some");
        Objects.requireNonNull(full, "full");
    }

    /**
     * One line: {@code some avg10=0.00 avg60=0.00 avg300=0.00 total=0}.
     *
     * @param avg10  percentage of wall time stalled over the last 10 s (0–100)
     * @param avg60  ... over the last 60 s
     * @param avg300 ... over the last 300 s
     * @param total  cumulative stall time ({@code total} is in microseconds)
     */
    public record Line(double avg10, double avg60, double avg300, Duration total) {
        public Line {
            Objects.requireNonNull(total, "total");
        }
    }

    /**
     * Parses a PSI file.
     *
     * @throws MalformedCgroupFileException when the {@code some} line is missing or a line is malformed
     */
    public static Pressure parseCgroup(String raw, Path file) throws MalformedCgroupFileException {
        Line some = null;
        Line full = null;
        for (String line : raw.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split(" +");
            if (f.length != 5 || !(f[0].equals("some") || f[0].equals("full"))) {
                throw new MalformedCgroupFileException(file, line, "expected \"some|full avg10= avg60= avg300= total=\"");
            }
            Line parsed = new Line(avg(f[1], "avg10=", line, file), avg(f[2], "avg60=", line, file),
                    avg(f[3], "avg300=", line, file), total(f[4], line, file));
            if (f[0].equals("some") ? some != null : full != null) {
                throw new MalformedCgroupFileException(file, line, "repeated line");
            }
            if (f[0].equals("some")) {
                some = parsed;
            } else {
                full = parsed;
            }
        }
        if (some == null) {
            throw new MalformedCgroupFileException(file, raw, "missing \"some\" line");
        }
        return new Pressure(some, Optional.ofNullable(full));
    }

    private static double avg(String field, String prefix, String line, Path file) throws MalformedCgroupFileException {
        if (!field.startsWith(prefix)) {
            throw new MalformedCgroupFileException(file, line, "expected [" + prefix + "]");
        }
        String number = field.substring(prefix.length());
        // The kernel prints "%lu.%02lu": digits, a dot, two digits.
        if (!number.matches("[0-9]{1,3}\\.[0-9]{2}")) {
            throw new MalformedCgroupFileException(file, line, "average is not a percentage");
        }
        return Double.parseDouble(number);
    }

    private static Duration total(String field, String line, Path file) throws MalformedCgroupFileException {
        if (!field.startsWith("total=")) {
            throw new MalformedCgroupFileException(file, line, "expected [total=]");
        }
        long us = ByteSize.parseCount(field.substring("total=".length()), line, file);
        return Duration.ofSeconds(us / 1_000_000L, (us % 1_000_000L) * 1000L);
    }
}
