package io.servd.servctl.top;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cgroup paths as systemd-cgtop compares them ({@code path_compare()} in systemd's path-util.c): one
 * {@code /}-separated component at a time, bytes compared unsigned, a component that is a prefix of the
 * other first. So a cgroup always sorts right before its own subtree: {@code /app < /app/web < /app-db},
 * where a plain string compare puts {@code /app-db} before {@code /app/web} ({@code '-'} is below {@code '/'}).
 * No locale is involved. Comparing code points is the same as comparing the UTF-8 bytes.
 */
final class CgroupPath {

    private CgroupPath() {
    }

    /** Negative, zero or positive as {@code a} sorts before, with or after {@code b}; empty components are skipped. */
    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (true) {
            i = skipSlashes(a, i);
            j = skipSlashes(b, j);
            if (i == a.length() || j == b.length()) {
                return Boolean.compare(i < a.length(), j < b.length()); // the path that ended first goes first
            }
            int ei = componentEnd(a, i);
            int ej = componentEnd(b, j);
            int c = compareComponent(a.substring(i, ei), b.substring(j, ej));
            if (c != 0) {
                return c;
            }
            i = ei;
            j = ej;
        }
    }

    /** The parent, its parent and so on up to {@code /}; empty for {@code /}. */
    static List<String> ancestors(String path) {
        List<String> up = new ArrayList<>();
        for (Optional<String> p = parent(path); p.isPresent(); p = parent(p.get())) {
            up.add(p.get());
        }
        return up;
    }

    /** The parent cgroup, empty for {@code /}. */
    static Optional<String> parent(String path) {
        int slash = path.lastIndexOf('/');
        if (path.equals("/") || slash < 0) {
            return Optional.empty();
        }
        return Optional.of(slash == 0 ? "/" : path.substring(0, slash));
    }

    /** Code point order, which is UTF-8 byte order; a component that is a prefix of the other sorts first. */
    private static int compareComponent(String x, String y) {
        int i = 0;
        int j = 0;
        while (i < x.length() && j < y.length()) {
            int cx = x.codePointAt(i);
            int cy = y.codePointAt(j);
            if (cx != cy) {
                return Integer.compare(cx, cy);
            }
            i += Character.charCount(cx);
            j += Character.charCount(cy);
        }
        return Boolean.compare(i < x.length(), j < y.length());
    }

    private static int skipSlashes(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) == '/') {
            i++;
        }
        return i;
    }

    private static int componentEnd(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) != '/') {
            i++;
        }
        return i;
    }
}
