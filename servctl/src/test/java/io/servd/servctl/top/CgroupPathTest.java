package io.servd.servctl.top;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Paths compared as systemd's path_compare(): by component, bytes unsigned, not as one string nor by locale. */
class CgroupPathTest {

    @ParameterizedTest(name = "{0} < {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # a        | b
            /          | /a
            /app       | /app/web
            # a subtree before the sibling whose name extends the parent's ('-' < '/' as one string)
            /app/web   | /app-db
            /app/web/x | /app-db
            /a.slice/b | /a.slice-c
            # bytes, not locale: upper case before lower case
            /B         | /a
            # code points are UTF-8 byte order (as UTF-16 units, U+FFFD would sort after U+1F600)
            /\uFFFD    | /\uD83D\uDE00
            # duplicate slashes are no component
            /a//b      | /a/c
            """)
    void ordersLikePathCompare(String a, String b) {
        assertThat(CgroupPath.compare(a, b)).isNegative();
        assertThat(CgroupPath.compare(b, a)).isPositive();
    }

    @Test
    void equalPathsCompareEqual() {
        assertThat(CgroupPath.compare("/a/b", "/a//b/")).isZero();
        assertThat(CgroupPath.compare("/", "/")).isZero();
    }

    @Test
    void sortsEveryCgroupRightBeforeItsSubtree() {
        List<String> paths = new ArrayList<>(List.of("/app-db", "/app/web", "/app", "/", "/app/web/x", "/app.slice"));
        paths.sort(CgroupPath::compare);
        assertThat(paths).containsExactly("/", "/app", "/app/web", "/app/web/x", "/app-db", "/app.slice");
    }

    @Test
    void parents() {
        assertThat(CgroupPath.parent("/a/b")).contains("/a");
        assertThat(CgroupPath.parent("/a")).contains("/");
        assertThat(CgroupPath.parent("/")).isEmpty();
        assertThat(CgroupPath.ancestors("/a/b/c")).containsExactly("/a/b", "/a", "/");
        assertThat(CgroupPath.ancestors("/")).isEmpty();
    }
}
