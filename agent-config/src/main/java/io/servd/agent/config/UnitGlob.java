package io.servd.agent.config;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A unit-name pattern as {@code systemctl list-units PATTERN} takes it: a shell glob matched against
 * the whole name with {@code fnmatch(3)} and {@code FNM_NOESCAPE}, so {@code *} is any run of
 * characters, {@code ?} one character, {@code [a-z]} / {@code [!a-z]} a class, and a backslash is an
 * ordinary character (unit names carry it in escapes such as {@code foo\x2dbar.service}).
 *
 * <p>Globs rather than the regular expressions of systemd_exporter's {@code --systemd.collector.unit-include}:
 * servd.conf is a systemd-style file and systemd's own tools select units by glob; a regular
 * expression's dot would also match any character in {@code foo.service}. Only the characters of a
 * unit name ({@code [A-Za-z0-9:_.\-\\@]}) and the glob's own may appear: anything else could never match.
 */
public final class UnitGlob {
    /** systemd: a unit name is at most 255 characters. */
    private static final int MAX_LENGTH = 255;

    private final String glob;
    private final Pattern regex;

    private UnitGlob(String glob) {
        this.glob = glob;
        this.regex = compile(glob);
    }

    /**
     * Parses one pattern.
     *
     * @throws IllegalArgumentException saying what is wrong (the caller's diagnostic names the value)
     */
    public static UnitGlob parse(String glob) {
        return new UnitGlob(Objects.requireNonNull(glob, "glob"));
    }

    /** Whether {@code unit} matches the whole pattern. */
    public boolean matches(String unit) {
        return regex.matcher(unit).matches();
    }

    /** The pattern as written. */
    public String glob() {
        return glob;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnitGlob other && other.glob.equals(glob);
    }

    @Override
    public int hashCode() {
        return glob.hashCode();
    }

    @Override
    public String toString() {
        return glob;
    }

    private static boolean unitNameChar(char c) {
        return c < 0x80 && (Character.isLetterOrDigit(c) || ":_.-\\@".indexOf(c) >= 0);
    }

    private static Pattern compile(String glob) {
        if (glob.isEmpty() || glob.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("expected a unit name pattern of 1 to " + MAX_LENGTH + " characters");
        }
        StringBuilder out = new StringBuilder(glob.length() + 8);
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> out.append(".*");
                case '?' -> out.append('.');
                case '[' -> i = charClass(glob, i, out);
                default -> out.append(literal(glob, c));
            }
        }
        try {
            return Pattern.compile(out.toString());
        } catch (PatternSyntaxException e) { // a range such as [z-a]
            throw new IllegalArgumentException("invalid range in a [class]");
        }
    }

    /** {@code c} matched as itself: letters and digits as they are, the rest quoted with a backslash. */
    private static String literal(String glob, char c) {
        if (!unitNameChar(c)) {
            throw new IllegalArgumentException("character [" + c + "] cannot occur in a unit name");
        }
        return Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c;
    }

    /** Appends the class opening at {@code open} ({@code [...]}, {@code [!...]}); returns the index of its {@code ]}. */
    private static int charClass(String glob, int open, StringBuilder out) {
        int i = open + 1;
        boolean negated = i < glob.length() && (glob.charAt(i) == '!' || glob.charAt(i) == '^');
        if (negated) {
            i++;
        }
        // fnmatch: a ']' right after the opening (or its '!') is a member, not the end
        int first = i;
        while (i < glob.length() && (glob.charAt(i) != ']' || i == first)) {
            i++;
        }
        if (i >= glob.length()) {
            throw new IllegalArgumentException("unclosed [ in pattern");
        }
        out.append(negated ? "[^" : "[");
        for (int j = first; j < i; j++) {
            char c = glob.charAt(j);
            boolean range = c == '-' && j > first && j < i - 1;
            out.append(range ? "-" : c == ']' ? "\\]" : literal(glob, c));
        }
        out.append(']');
        return i;
    }
}
