package io.servd.servctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.cgroup.fs.CgroupRoot;
import io.servd.servctl.cli.Json;
import io.servd.testsupport.FixtureTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code servctl top}'s State column against a fake agent on loopback, and without one: the states of
 * {@code GET /v1/units} merged by cgroup path, failed units without a cgroup as rows of their own, and
 * with the agent down {@code -} and one notice on stderr.
 */
class TopStatesTest {

    static final String UNITS = """
            {"root":"/sys/fs/cgroup","units":[
             {"unit":"-.slice","cgroup":"/","activeState":"active","subState":"active"},
             {"unit":"system.slice","cgroup":"/system.slice","activeState":"active","subState":"active"},
             {"unit":"foo.service","cgroup":"/system.slice/foo.service","activeState":"active","subState":"running"},
             {"unit":"fails.service","activeState":"failed","subState":"failed","result":"exit-code"},
             {"unit":"stopped.service","activeState":"inactive","subState":"dead"}]}
            """;

    @TempDir
    Path tmp;

    Path tree() throws IOException {
        return FixtureTree.copy(Path.of("..", "cgroup", "src", "test", "resources", "cgroupfs", "debian12-systemd252"),
                Files.createDirectories(tmp.resolve("tree")));
    }

    Run top(String agent, String... more) throws IOException {
        Path root = tree();
        String[] args = new String[7 + more.length];
        String[] base = {"top", "--batch", "-n", "2", "--delay", "50ms", "--agent=" + agent};
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Run.of(new ServctlDefaults(tmp.resolve("none.sock"), java.net.URI.create("http://127.0.0.1:9"),
                new CgroupRoot(root)), args);
    }

    @Test
    void statesFromTheAgentAndFailedUnitsWithoutCgroup() throws IOException {
        try (FakeAgent agent = new FakeAgent().answer("GET /v1/units", 200, UNITS)) {
            Run run = top(agent.url());
            assertThat(run.exitCode()).isZero();
            assertThat(run.err()).isEmpty();
            assertThat(run.out()).containsPattern("/system.slice/foo.service .* active\n")
                    .containsPattern("\nfails.service +- .* - +failed\n")
                    .doesNotContain("stopped.service");
            assertThat(run.out().lines().filter(l -> l.startsWith("Control Group")).findFirst().orElseThrow())
                    .endsWith(" State");
            assertThat(agent.requests).extracting(FakeAgent.Request::path).contains("/v1/units");
        }
    }

    @Test
    void jsonCarriesActiveAndSubState() throws IOException {
        try (FakeAgent agent = new FakeAgent().answer("GET /v1/units", 200, UNITS)) {
            Run run = top(agent.url(), "--output", "json");
            var doc = Json.parse(run.out().lines().findFirst().orElseThrow());
            assertThat(doc.path("rows").get(2).toString()).contains("\"unit\":\"foo.service\",\"activeState\":\"active\","
                    + "\"subState\":\"running\"");
            assertThat(doc.path("unitsWithoutCgroup").toString())
                    .isEqualTo("[{\"unit\":\"fails.service\",\"activeState\":\"failed\",\"subState\":\"failed\"}]");
        }
    }

    @Test
    void agentDownShowsDashAndSaysWhyOnce() throws IOException {
        Run run = top("http://127.0.0.1:9");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsPattern("/system.slice/foo.service .* -\n").doesNotContain("failed");
        assertThat(run.err().lines().toList()).hasSize(1);
        assertThat(run.err()).startsWith("servctl: State unknown: ");
    }

    @Test
    void noAgentAsksNothing() throws IOException {
        try (FakeAgent agent = new FakeAgent().answer("GET /v1/units", 200, UNITS)) {
            Run run = top(agent.url(), "--no-agent");
            assertThat(run.err()).isEmpty();
            assertThat(run.out()).doesNotContain("fails.service");
            assertThat(agent.requests).isEmpty();
        }
    }
}
