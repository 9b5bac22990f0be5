package io.servd.cgroup.unit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UnitFileTest {

    static Path unit(String name) {
        try {
            return Path.of(UnitFileTest.class.getResource("/units/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void joinsContinuationsSkipsCommentsInsideThemAndKeepsRepeats() throws IOException {
        UnitFile unit = UnitFile.read(unit("continuations.service")).value();

        assertThat(unit.options()).containsExactly(
                new UnitOption("Service", "ExecStart", "/usr/bin/java    -jar /opt/app.jar", 2),
                new UnitOption("Service", "MemoryMax", "512M", 5),
                new UnitOption("Service", "MemoryMax", "", 6),
                new UnitOption("Service", "TasksMax", "64", 7),
                new UnitOption("Service", "Environment", "\"A=1 2\" B=3", 8));
        assertThat(unit.last("Service", "MemoryMax").orElseThrow().value()).isEmpty();
        assertThat(unit.list("Service", "MemoryMax")).isEmpty();
        assertThat(unit.words(unit.last("Service", "Environment").orElseThrow()).value()).containsExactly("A=1 2", "B=3");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # case                         | content                               | line | problem
            assignment-before-section      | A=1                                    | 1    | assignment outside of section
            unterminated-header            | [Service                               | 1    | invalid section header
            missing-equals                 | '[Service]\\nJust words'               | 2    | missing '='
            empty-name                     | '[Service]\\n=x'                       | 2    | missing name before '='
            continuation-at-eof            | '[Service]\\nA=1 \\\\'                 | 2    | continuation at end of file
            """)
    void reportsLineProblemsAsDiagnostics(String name, String content, int line, String problem) {
        ParseResult<UnitFile> result = UnitFile.parse("x.service", content.replace("\\n", "\n").replace("\\\\", "\\"));

        assertThat(result.diagnostics()).hasSize(1);
        assertThat(result.diagnostics().get(0).line()).isEqualTo(line);
        assertThat(result.diagnostics().get(0).problem()).isEqualTo(problem);
        assertThat(result.diagnostics().get(0).toString()).startsWith("x.service:" + line + ": " + problem);
    }

    @Test
    void escapedBackslashDoesNotContinue() {
        UnitFile unit = UnitFile.parse("x", "[S]\nA=C:\\\\\nB=2\n").value();

        assertThat(unit.options()).extracting(UnitOption::name).containsExactly("A", "B");
        assertThat(unit.options().get(0).value()).isEqualTo("C:\\\\");
    }

    @Test
    void trailingCommentIsPartOfTheValueAndCrlfIsTolerated() {
        UnitFile unit = UnitFile.parse("x", "[Service]\r\nMemoryMax=1G # not a comment\r\n").value();

        assertThat(unit.options()).containsExactly(new UnitOption("Service", "MemoryMax", "1G # not a comment", 2));
    }

    @Test
    void brokenUnitGivesEveryProblemWithFileLineDirectiveAndValue() throws IOException {
        ParseResult<UnitFile> lexed = UnitFile.read(unit("broken.service"));
        ParseResult<CgroupSettings> settings = UnitResources.fromUnit(lexed.value(), "Service");

        String file = unit("broken.service").toString();
        assertThat(lexed.diagnostics()).extracting(Diagnostic::toString).containsExactly(
                file + ":1: assignment outside of section: [MemoryMax=1G]",
                file + ":2: invalid section header: [[Service]",
                file + ":6: missing '=': [no equals sign here]",
                file + ":7: missing name before '=': [=novalue]");
        assertThat(settings.diagnostics()).extracting(Diagnostic::toString).containsExactly(
                file + ":4: not a size, ignoring: MemoryMax=[lots]",
                file + ":5: CPU quota too small, ignoring: CPUQuota=[0%]");
        assertThat(settings.value().directives().keySet()).containsExactly("CPUWeight");
    }

    @Test
    void unbalancedQuotesAreADiagnostic() {
        UnitFile unit = UnitFile.parse("x", "[Service]\nEnvironment=\"A=1\n").value();

        ParseResult<List<String>> words = unit.words(unit.options().get(0));

        assertThat(words.diagnostics()).extracting(Diagnostic::problem).containsExactly("unbalanced quotes");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # unit file                      | golden writes
            memorymax-suffixes.service       | memorymax-suffixes.writes
            cpuquota-200pct.service          | cpuquota-200pct.writes
            continuations.service            | continuations.writes
            drop-in/10-limits.conf           | 10-limits.writes
            """)
    void plannedWritesMatchGoldenFiles(String unitFile, String golden) throws IOException {
        ParseResult<UnitFile> lexed = UnitFile.read(unit(unitFile));
        ParseResult<CgroupSettings> settings = UnitResources.fromUnit(lexed.value(), "Service");

        assertThat(lexed.isClean()).isTrue();
        assertThat(settings.isClean()).isTrue();
        assertThat(settings.value().plannedWrites(ResourceDirectivesTest.HOST))
                .extracting(Object::toString)
                .containsExactlyElementsOf(Files.readAllLines(unit("expected/" + golden)));
    }
}
