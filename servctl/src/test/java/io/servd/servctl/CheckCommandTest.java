package io.servd.servctl;

import io.servd.servctl.cli.ExitCodes;
import com.fasterxml.jackson.databind.JsonNode;
import io.servd.servctl.cli.Json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code servctl check}: strict, file:line diagnostics, no agent needed. */
class CheckCommandTest {

    @TempDir
    Path tmp;

    Run check(String name, String content, String... more) throws IOException {
        Path file = tmp.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        String[] args = new String[more.length + 2];
        args[0] = "check";
        args[1] = file.toString();
        System.arraycopy(more, 0, args, 2, more.length);
        return Run.of(Run.isolated(tmp), args);
    }

    @Test
    void aCleanUnitExitsZero() throws IOException {
        Run run = check("demo.service", """
                [Unit]
                Description=demo
                [Service]
                ExecStart=/usr/bin/demo
                MemoryMax=64M
                CPUQuota=50%
                TasksMax=100
                """);
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo(tmp.resolve("demo.service") + ": ok (unit file)\n");
    }

    @Test
    void everyProblemIsReportedWithFileAndLineAndExitsOne() throws IOException {
        Run run = check("demo.service", """
                [Service]
                MemoryMax=64Q
                CPUQuota=0%
                this line has no equals sign
                [Broken
                CPUWeight=20000
                """);
        String f = tmp.resolve("demo.service").toString();
        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out().lines()).hasSize(4);
        assertThat(run.out()).contains(
                f + ":2: ", "MemoryMax=[64Q]",
                f + ":3: ", "CPUQuota=[0%]",
                f + ":4: missing '=': [this line has no equals sign]",
                f + ":5: invalid section header: [[Broken]");
    }

    @Test
    void aDropInIsCheckedInItsSection() throws IOException {
        Run run = check("demo.service.d/50-MemoryMax.conf", """
                # This is a drop-in unit file extension, created via "systemctl set-property"
                [Service]
                MemoryMax=infinityish
                """);
        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).startsWith(tmp.resolve("demo.service.d/50-MemoryMax.conf") + ":3: ")
                .contains("MemoryMax=[infinityish]");
    }

    @Test
    void servdConfIsCheckedAgainstTheAgentsSchema() throws IOException {
        Run run = check("servd.conf", """
                [HTTP]
                Listen=127.0.0.1:99999
                Colour=blue
                [Log]
                Level=info
                """);
        String f = tmp.resolve("servd.conf").toString();
        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains(f + ":2: ", "Listen=[127.0.0.1:99999]", f + ":3: unknown directive in [HTTP]: Colour=[blue]");
    }

    @Test
    void aConfigIsRecognisedByItsSectionsWhateverItsName() throws IOException {
        Run run = check("other.conf", "[Agent]\nTransport=nio\n");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).endsWith(": ok (servd.conf)\n");
    }

    @Test
    void jsonListsTheDiagnostics() throws IOException {
        Run run = check("demo.slice", "[Slice]\nTasksMax=-1\n", "--output", "json");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        JsonNode doc = Json.parse(run.out());
        assertThat(doc.path("kind").asText()).isEqualTo("unit");
        assertThat(doc.path("clean").isBoolean()).isTrue();
        assertThat(doc.path("clean").booleanValue()).isFalse();
        assertThat(run.out()).contains("\"line\" : 2", "\"directive\" : \"TasksMax\"", "\"value\" : \"-1\"");
    }

    @Test
    void anUnreadableFileIsAUsageError() {
        Run run = Run.of(Run.isolated(tmp), "check", tmp.resolve("missing.service").toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).startsWith("servctl: cannot read [" + tmp.resolve("missing.service") + "]");
    }
}
