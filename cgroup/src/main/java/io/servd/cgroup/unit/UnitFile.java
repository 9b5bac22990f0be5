package io.servd.cgroup.unit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The assignments of one unit file or drop-in, lexed as systemd's {@code config_parse()} does
 * (systemd.syntax(7)): {@code [Section]} headers; {@code Name=value} with white space around both
 * stripped; whole-line comments starting with {@code #} or {@code ;} (no trailing comments: in
 * {@code A=b # c} the value is {@code b # c}); a line ending in an unescaped backslash continues on the
 * next one, the backslash becoming a space, and comment lines inside a continuation are skipped.
 * Repeated names are all kept in order; what they mean (last wins, or a list reset by an empty
 * assignment) is up to the directive, see {@link #last} and {@link #list}.
 *
 * @param file    the name used in diagnostics
 * @param options every assignment, in file order
 */
public record UnitFile(String file, List<UnitOption> options) {

    public UnitFile {
        Objects.requireNonNull(file, "file");
        options = List.copyOf(options);
    }

    /** Reads and lexes {@code path}; diagnostics name it. */
    public static ParseResult<UnitFile> read(Path path) throws IOException {
        return parse(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
    }

    /**
     * Lexes {@code content}. Problems become diagnostics and the offending line is skipped, as systemd
     * does: a bad section header, an assignment outside any section, a line without {@code =}, an empty
     * name, a continuation still open at the end of the file.
     */
    public static ParseResult<UnitFile> parse(String file, String content) {
        List<UnitOption> options = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        String section = null;
        boolean sectionBroken = false;
        StringBuilder continuation = null;
        int logicalStart = 0;
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String physical = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            int lineNo = i + 1;
            if (continuation != null) {
                String t = physical.strip();
                if (!t.isEmpty() && (t.charAt(0) == '#' || t.charAt(0) == ';')) {
                    continue;
                }
                continuation.append(physical);
            } else {
                continuation = new StringBuilder(physical);
                logicalStart = lineNo;
            }
            if (endsWithUnescapedBackslash(continuation)) {
                continuation.setCharAt(continuation.length() - 1, ' ');
                if (i < lines.length - 1) {
                    continue;
                }
                diagnostics.add(new Diagnostic(file, logicalStart, "", continuation.toString().strip(),
                        "continuation at end of file"));
            }
            String l = continuation.toString().strip();
            continuation = null;
            if (l.isEmpty() || l.charAt(0) == '#' || l.charAt(0) == ';') {
                continue;
            }
            if (l.charAt(0) == '[') {
                if (l.length() < 3 || l.charAt(l.length() - 1) != ']' || l.substring(1, l.length() - 1).contains("[")
                        || l.substring(1, l.length() - 1).contains("]")) {
                    diagnostics.add(new Diagnostic(file, logicalStart, "", l, "invalid section header"));
                    section = null;
                    sectionBroken = true;
                } else {
                    section = l.substring(1, l.length() - 1);
                    sectionBroken = false;
                }
                continue;
            }
            if (section == null) {
                if (!sectionBroken) {
                    diagnostics.add(new Diagnostic(file, logicalStart, "", l, "assignment outside of section"));
                }
                continue;
            }
            int eq = l.indexOf('=');
            if (eq < 0) {
                diagnostics.add(new Diagnostic(file, logicalStart, "", l, "missing '='"));
                continue;
            }
            String name = l.substring(0, eq).strip();
            String value = l.substring(eq + 1).strip();
            if (name.isEmpty()) {
                diagnostics.add(new Diagnostic(file, logicalStart, "", l, "missing name before '='"));
                continue;
            }
            options.add(new UnitOption(section, name, value, logicalStart));
        }
        return new ParseResult<>(new UnitFile(file, options), diagnostics);
    }

    private static boolean endsWithUnescapedBackslash(CharSequence s) {
        boolean escaped = false;
        for (int i = 0; i < s.length(); i++) {
            escaped = !escaped && s.charAt(i) == '\\';
        }
        return escaped;
    }

    /** The last assignment of {@code name} in {@code section}: the one that counts for single-valued directives. */
    public Optional<UnitOption> last(String section, String name) {
        UnitOption found = null;
        for (UnitOption o : options) {
            if (o.section().equals(section) && o.name().equals(name)) {
                found = o;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The assignments of a list-valued directive that survive: those after its last empty (resetting) one. */
    public List<UnitOption> list(String section, String name) {
        List<UnitOption> result = new ArrayList<>();
        for (UnitOption o : options) {
            if (o.section().equals(section) && o.name().equals(name)) {
                if (o.value().isEmpty()) {
                    result.clear();
                } else {
                    result.add(o);
                }
            }
        }
        return List.copyOf(result);
    }

    /**
     * Splits a value into words as systemd's {@code extract_first_word(EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE)}:
     * white space separates words, single or double quotes group, backslash escapes ({@code \n \t \\ \" \'}
     * and {@code \xNN}) are decoded.
     */
    public ParseResult<List<String>> words(UnitOption option) {
        return UnitWords.split(file, option);
    }
}
