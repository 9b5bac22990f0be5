package io.servd.servctl.cli;

import java.util.Locale;

/** Byte counts as servctl prints them, the way systemd-cgtop does (its {@code format_bytes()}). */
public final class Sizes {
    private Sizes() {
    }

    /** Short binary size: {@code 512B}, {@code 184.0K}, {@code 1.2G} (base 1024, one decimal). */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        String units = "KMGTPE";
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length() - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f%c", v, units.charAt(u));
    }
}
