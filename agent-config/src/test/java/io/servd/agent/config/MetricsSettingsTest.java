package io.servd.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code [Metrics] Units=}/{@code ExcludeUnits=}: fnmatch globs over whole unit names, exclusion wins. */
class MetricsSettingsTest {
    private static final Path FILE = Path.of("/etc/servd/servd.conf");

    @ParameterizedTest(name = "{0} ~ {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # glob                | unit                        | matches
        *.service             | foo.service                 | true
        *.service             | foo.slice                   | false
        # the whole name: no implicit prefix or suffix match as a regular expression would do
        foo                   | foo.service                 | false
        foo*                  | foo.service                 | true
        # a dot is a dot
        foo.service           | fooXservice                 | false
        ?oo.service           | zoo.service                 | true
        [fz]oo.service        | zoo.service                 | true
        [!fz]oo.service       | zoo.service                 | false
        [a-c]*.slice          | b.slice                     | true
        # FNM_NOESCAPE: a backslash is itself, as in systemd's escaped unit names
        foo\\x2dbar.service   | foo\\x2dbar.service         | true
        *\\x2d*               | foo\\x2dbar.service         | true
        user@*.service        | user@1000.service           | true
        # ']' first in a class is a member
        []a]*                 | ]x                          | true
        """)
    void globsMatchWholeUnitNames(String glob, String unit, boolean matches) {
        assertThat(UnitGlob.parse(glob).matches(unit)).isEqualTo(matches);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # glob          | problem
        foo[            | unclosed [ in pattern
        a b             | character [ ] cannot occur in a unit name
        foo/bar         | character [/] cannot occur in a unit name
        é.service       | character [é] cannot occur in a unit name
        [z-a]           | invalid range in a [class]
        """)
    void notAGlobIsRefusedSayingWhy(String glob, String problem) {
        assertThatThrownBy(() -> UnitGlob.parse(glob)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(problem);
    }

    @Test
    void includeThenExcludeWhichWins() {
        var s = new MetricsSettings(List.of(UnitGlob.parse("*.service"), UnitGlob.parse("*.slice")),
                List.of(UnitGlob.parse("user@*.service")));
        assertThat(s.reports("foo.service")).isTrue();
        assertThat(s.reports("system.slice")).isTrue();
        assertThat(s.reports("user@1000.service")).isFalse();
        assertThat(s.reports("foo.scope")).isFalse();
        assertThat(MetricsSettings.defaults().reports("anything.scope")).isTrue();
    }

    @Test
    void assignmentsAddAndAnEmptyOneClears() throws ConfigException {
        Config c = ConfigFile.parse(FILE, """
                [Metrics]
                Units=a.service
                Units=
                Units=b.service c.*
                ExcludeUnits=c.slice
                """, Config.defaults());
        assertThat(c.metrics().include()).extracting(UnitGlob::glob).containsExactly("b.service", "c.*");
        assertThat(c.metrics().exclude()).extracting(UnitGlob::glob).containsExactly("c.slice");
        assertThat(c.metrics().reports("c.service")).isTrue();
        assertThat(c.metrics().reports("c.slice")).isFalse();
        assertThat(c.metrics().reports("a.service")).isFalse();
    }

    @Test
    void eachBadPatternIsADiagnosticNamingFileLineAndValue() {
        assertThatThrownBy(() -> ConfigFile.parse(FILE, "[Metrics]\nUnits=ok.service\nExcludeUnits=x[\nUnits=a/b\n",
                Config.defaults()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.diagnostics()).hasSize(2))
                .hasMessageContaining("/etc/servd/servd.conf:3: unclosed [ in pattern in [x[]: ExcludeUnits=[x[]")
                .hasMessageContaining("/etc/servd/servd.conf:4: character [/] cannot occur in a unit name in [a/b]: Units=[a/b]");
    }
}
