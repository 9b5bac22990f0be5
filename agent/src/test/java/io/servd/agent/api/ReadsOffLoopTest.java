package io.servd.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.servd.agent.access.ControlGroup;
import io.servd.agent.access.WriteAccess;
import io.servd.agent.http.Routes;
import io.servd.agent.metrics.UnitMetrics;
import io.servd.agent.units.UnitTree;
import io.servd.cgroup.CgroupLayout;
import io.servd.cgroup.fs.CgroupRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The read routes read cgroupfs on the read executor, never on the event loop, and a full one answers 503. */
class ReadsOffLoopTest {

    @TempDir
    Path tmp;
    Path cgroupfs;

    @BeforeEach
    void tree() throws IOException {
        cgroupfs = Fixtures.copy("debian12-systemd252", Files.createDirectory(tmp.resolve("cgroup")));
    }

    Routes routes(Executor reads) {
        var tree = new UnitTree(new CgroupRoot(cgroupfs));
        var registry = new PrometheusRegistry();
        registry.register(new UnitMetrics(tree));
        var context = new AgentContext(tree, Optional.of(new AgentContext.Self("/system.slice/foo.service", CgroupLayout.UNIFIED)),
                Optional.empty(), Optional.of(AgentApiTest.HOST), new WriteAccess(Optional.empty(),
                new ControlGroup(Optional.empty(), tmp.resolve("group"), tmp.resolve("passwd"))), registry,
                Runnable::run, reads, Optional::empty, Optional::empty);
        return AgentApi.register(Routes.builder(), context).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/units", "/v1/units/foo.service", "/v1/self", "/metrics"})
    void aFullReadQueueAnswers503WithRetryAfter(String path) {
        Executor full = task -> {
            throw new RejectedExecutionException("queue full");
        };
        var r = Exchange.http(routes(full), Exchange.get(path));
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("Retry-After")).isEqualTo("1");
        assertThat(r.body()).contains("\"error\":\"busy\"").contains("too many reads waiting");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/units", "/v1/units/foo.service", "/v1/self", "/metrics"})
    void everyReadRunsOnTheReadExecutor(String path) {
        List<Runnable> handedOver = new ArrayList<>();
        Executor recording = task -> {
            handedOver.add(task);
            task.run();
        };
        var r = Exchange.http(routes(recording), Exchange.get(path));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(handedOver).hasSize(1);
    }

    @Test
    void anInvalidUnitNameIsRefusedOnTheLoopWithoutAReadThread() {
        List<Runnable> handedOver = new ArrayList<>();
        var r = Exchange.http(routes(handedOver::add), Exchange.get("/v1/units/no%20such"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(handedOver).isEmpty();
    }
}
