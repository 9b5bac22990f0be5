package io.servd.agent.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servd.cgroup.unit.DropInScope;
import io.servd.cgroup.unit.ResourceDirectives;
import io.servd.cgroup.unit.UnitName;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent accepts exactly {@link ResourceDirectives#settableNames()}, the list servctl's
 * SetPropertiesTest sends one by one: together they prove servctl accepts every property the agent does.
 */
class LimitsRequestTest {

    /** One valid value per directive the cgroup library knows, in systemd syntax. */
    static final Map<String, String> SAMPLES = io.servd.testsupport.DirectiveValues.SAMPLES;

    static Stream<String> names() {
        return Stream.concat(ResourceDirectives.names().stream(), Stream.of("MemoryLimit", "memorymax"));
    }

    static LimitsRequest parse(String json) {
        return LimitsRequest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyDirectiveHasASample() {
        assertThat(SAMPLES.keySet()).containsExactlyInAnyOrderElementsOf(ResourceDirectives.names());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void acceptsExactlyTheSettableProperties(String name) {
        String body = "{\"" + name + "\":\"" + SAMPLES.getOrDefault(name, "1G") + "\",\"dryRun\":true}";
        if (ResourceDirectives.isSettable(name)) {
            assertThat(parse(body).directives()).singleElement()
                    .satisfies(d -> assertThat(d.name()).isEqualTo(name));
        } else {
            assertThatThrownBy(() -> parse(body)).isInstanceOf(LimitsRequest.BadRequestException.class)
                    .hasMessageStartingWith("unknown property [" + name + "]: expected one of [")
                    .hasMessageContaining(String.join(", ", new java.util.TreeSet<>(ResourceDirectives.settableNames())));
        }
    }

    @Test
    void aPlanHoldsOnlySettableDirectives() {
        var period = List.of(ResourceDirectives.parse("CPUQuotaPeriodSec", "7ms"));
        assertThatThrownBy(() -> LimitsPlan.of(UnitName.of("foo.service"), period, DropInScope.PERSISTENT, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[CPUQuotaPeriodSec] is not changed on a running unit");
    }
}
