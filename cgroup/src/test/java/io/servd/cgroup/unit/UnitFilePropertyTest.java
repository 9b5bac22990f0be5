package io.servd.cgroup.unit;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

class UnitFilePropertyTest {

    /** Lexing never throws: every problem is a diagnostic with a line inside the input. */
    @Property(tries = 2000)
    void anyContentLexesWithDiagnosticsOnly(@ForAll("unitText") String content) {
        ParseResult<UnitFile> result = UnitFile.parse("fuzz.service", content);
        int lines = content.split("\n", -1).length;

        assertThat(result.diagnostics()).allSatisfy(d -> assertThat(d.line()).isBetween(1, lines));
        assertThat(result.value().options()).allSatisfy(o -> assertThat(o.line()).isBetween(1, lines));
        ParseResult<CgroupSettings> settings = UnitResources.fromUnit(result.value(), "Service");
        assertThat(settings.diagnostics()).allSatisfy(d -> assertThat(d.problem()).endsWith(", ignoring"));
    }

    @Provide
    Arbitrary<String> unitText() {
        Arbitrary<String> line = Arbitraries.oneOf(
                Arbitraries.of("[Service]", "[Unit]", "[Service", "#c", ";c", "", "\\", "a\\\\", "MemoryMax=",
                        "CPUQuota=150%", "TasksMax=15%", "CPUWeight=idle", "MemoryMax=1.5G \\"),
                Arbitraries.strings().withChars("[]=#;\\ \"'AMCPUQuotaMemoryMax0123456789%.GK").ofMaxLength(20));
        return line.list().ofMaxSize(12).map(l -> String.join("\n", l));
    }
}
