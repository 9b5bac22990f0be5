package io.servd.servctl;

import io.servd.servctl.cli.Json;
import static org.assertj.core.api.Assertions.assertThat;

import io.servd.cgroup.unit.ResourceDirectives;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * servctl accepts every property the agent accepts: both take their list from the cgroup library's
 * {@link ResourceDirectives#settableNames()}, and the agent's LimitsRequestTest proves that it accepts
 * exactly that list. Here each name goes through {@code servctl set --dry-run} to a fake agent.
 */
class SetPropertiesTest {

    /** One valid value per settable property, in systemd syntax. */
    static final Map<String, String> SAMPLES = Map.of(
            "MemoryMin", "16M", "MemoryLow", "1G", "MemoryHigh", "50%", "MemoryMax", "64M",
            "MemorySwapMax", "0", "CPUQuota", "50%", "CPUWeight", "idle", "TasksMax", "100");

    @TempDir
    Path tmp;

    FakeAgent agent;

    @BeforeEach
    void start() throws java.io.IOException {
        agent = new FakeAgent();
        agent.answer("PUT /v1/units/demo.service/limits", 200, "{\"unit\":\"demo.service\",\"dryRun\":true}");
    }

    @AfterEach
    void stop() {
        agent.close();
    }

    static Stream<String> settable() {
        return ResourceDirectives.settableNames().stream();
    }

    @Test
    void everySettablePropertyHasASample() {
        assertThat(SAMPLES.keySet()).containsExactlyInAnyOrderElementsOf(ResourceDirectives.settableNames());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settable")
    void setDryRunSendsEverySettableProperty(String name) throws java.io.IOException {
        String assignment = name + "=" + SAMPLES.get(name);
        Run run = Run.of(Run.isolated(tmp), "set", "demo.service", assignment, "--dry-run", "--agent", agent.url());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(agent.requests).hasSize(1);
        assertThat(Json.parse(agent.requests.get(0).body())).isEqualTo(
                Json.parse("{\"" + name + "\":\"" + SAMPLES.get(name) + "\",\"runtime\":false,\"dryRun\":true}"));
    }

    @Test
    void helpListsTheSettableProperties() {
        Run run = Run.of(Run.isolated(tmp), "set", "--help");
        assertThat(run.out().replaceAll("\\s+", " ")).contains("PROP is one of " + String.join(", ", ResourceDirectives.settableNames()));
    }
}
