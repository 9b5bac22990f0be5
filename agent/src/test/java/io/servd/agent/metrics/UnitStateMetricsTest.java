package io.servd.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.servd.agent.units.ActiveState;
import io.servd.agent.units.UnitState;
import io.servd.agent.units.UnitStates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** servd_unit_state and friends, named as systemd_exporter names its own. */
class UnitStateMetricsTest {

    private static String scrape(UnitStates states) throws IOException {
        var registry = new PrometheusRegistry();
        registry.register(new UnitStateMetrics(states));
        var out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void oneSamplePerActiveStateOneForTheUnitsOwn() throws IOException {
        var broken = UnitState.of("broken.service", ActiveState.FAILED, "failed").withResult(Optional.of("exit-code"))
                .withNRestarts(OptionalLong.of(5));
        var foo = UnitState.of("foo.service", ActiveState.ACTIVE, "running").withNRestarts(OptionalLong.of(0))
                .withActiveEnter(Optional.of(Instant.ofEpochSecond(1_700_000_000L, 500_000_000L)));
        String text = scrape(UnitStates.fixed(List.of(broken, foo, UnitState.of("x.target", ActiveState.INACTIVE, "dead"))));

        assertThat(text).contains("servd_unit_states_available 1.0\n")
                .contains("servd_unit_state{state=\"failed\",unit=\"broken.service\"} 1.0\n")
                .contains("servd_unit_state{state=\"active\",unit=\"broken.service\"} 0.0\n")
                .contains("servd_unit_state{state=\"active\",unit=\"foo.service\"} 1.0\n")
                .contains("servd_unit_state{state=\"inactive\",unit=\"x.target\"} 1.0\n")
                .contains("# TYPE servd_service_restart_total counter\n")
                .contains("servd_service_restart_total{unit=\"broken.service\"} 5.0\n")
                .contains("servd_unit_start_time_seconds{unit=\"foo.service\"} 1.7000000005E9\n")
                .doesNotContain("servd_service_restart_total{unit=\"x.target\"}");
        for (ActiveState s : ActiveState.values()) {
            assertThat(text).contains("servd_unit_state{state=\"" + s.wire() + "\",unit=\"x.target\"} ");
        }
    }

    @Test
    void unavailableStatesGiveOnlyTheAvailabilityGauge() throws IOException {
        String text = scrape(UnitStates.unavailable("no system bus"));
        assertThat(text).contains("servd_unit_states_available 0.0\n").doesNotContain("servd_unit_state{");
    }
}
