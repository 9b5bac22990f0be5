package io.servd.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.servd.agent.access.ControlGroup;
import io.servd.agent.access.WriteAccess;
import io.servd.agent.http.Routes;
import io.servd.agent.metrics.SelfMetrics;
import io.servd.agent.units.UnitTree;
import io.servd.cgroup.CgroupLayout;
import io.servd.cgroup.Cgroups;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;
import io.servd.daemon.limits.LimitChange;
import io.servd.daemon.limits.LimitWatcher;
import io.servd.daemon.limits.LoopResizer;
import io.servd.daemon.limits.CpuLimits;
import io.servd.daemon.limits.MemoryLimits;
import io.servd.daemon.limits.RuntimeSizing;
import io.servd.daemon.pressure.LoadShedder;
import io.servd.daemon.pressure.PressureOptions;
import io.servd.daemon.pressure.ShedStatus;
import io.servd.daemon.pressure.ShedderFixture;
import io.servd.netpoll.EventLoops;
import io.servd.netpoll.LoopSizing;
import io.servd.netpoll.Preference;
import io.servd.netpoll.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on the captured debian12-systemd252 tree: the unit's cpu.max changes, the watcher
 * notices, the loops resize, and {@code /v1/self} and {@code /metrics} show the new size.
 */
class SelfRuntimeTest {
    static final Path PROCFS = Fixtures.CGROUPFS.resolveSibling("procfs").resolve("debian12-systemd252");

    @TempDir
    Path tmp;

    @Test
    void aChangedQuotaResizesTheLoopsAndSelfShowsIt() throws Exception {
        Path cgroupfs = Fixtures.copy("debian12-systemd252", Files.createDirectory(tmp.resolve("cgroup")));
        var settings = LimitWatcher.Settings.defaults(4).withPollInterval(Duration.ofMillis(50));
        try (LimitWatcher limits = LimitWatcher.start(Cgroups.self(new ProcFs(PROCFS), new CgroupRoot(cgroupfs)), settings);
             EventLoops loops = LoopResizer.start(Transport.of(Preference.NIO), LoopSizing.defaults(), limits)) {
            Supplier<Optional<RuntimeSizing>> sizing = () -> Optional.of(RuntimeSizing.of(loops, limits.current()));
            Routes routes = routes(cgroupfs, sizing, Optional::empty);

            // captured: CPUQuota=50% MemoryMax=64M; 4 CPUs online
            assertThat(Exchange.http(routes, Exchange.get("/v1/self")).body()).contains("\"runtime\":{\"eventLoops\":1,"
                    + "\"eventLoopCapacity\":4,\"cpus\":0.5,\"hostCpus\":4,\"memoryMaxBytes\":67108864,\"memoryHighBytes\":\"max\"}");

            CompletableFuture<Integer> resized = new CompletableFuture<>();
            limits.subscribe(change -> { // after the resizer's listener, so the count is the new one
                if (change instanceof LimitChange.CpuLimitChanged c && c.current().effectiveCpus() == 2.0) {
                    resized.complete(loops.workerCount());
                }
            });
            // systemctl set-property foo.service CPUQuota=200%, as the kernel shows it
            Path next = Files.writeString(cgroupfs.resolve("system.slice/foo.service/.cpu.max"), "200000 100000\n");
            Files.move(next, cgroupfs.resolve("system.slice/foo.service/cpu.max"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);

            assertThat(resized).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(2);
            assertThat(Exchange.http(routes, Exchange.get("/v1/self")).body())
                    .contains("\"runtime\":{\"eventLoops\":2,\"eventLoopCapacity\":4,\"cpus\":2.0,");
            String metrics = Exchange.http(routes, Exchange.get("/metrics")).body();
            assertThat(metrics).contains("servd_self_event_loops 2.0", "servd_self_effective_cpus 2.0",
                    "servd_self_event_loop_capacity 4.0", "servd_self_memory_limit_bytes 6.7108864E7",
                    "servd_self_memory_high_bytes +Inf");
        }
    }

    @Test
    void withoutSizingSelfHasNoRuntime() throws Exception {
        Path cgroupfs = Fixtures.copy("debian12-systemd252", Files.createDirectory(tmp.resolve("cgroup")));

        assertThat(Exchange.http(routes(cgroupfs, Optional::empty, Optional::empty), Exchange.get("/v1/self")).body())
                .doesNotContain("runtime");
    }

    @Test
    void selfAndMetricsShowTheShedderSinceWhenAndWhy() throws Exception {
        Path cgroupfs = Fixtures.copy("debian12-systemd252", Files.createDirectory(tmp.resolve("cgroup")));
        var shedder = LoadShedder.create(PressureOptions.defaults());
        var sizing = (Supplier<Optional<RuntimeSizing>>) () -> Optional.of(new RuntimeSizing(1, 4, CpuLimits.host(4),
                MemoryLimits.none()));
        Routes routes = routes(cgroupfs, sizing, () -> Optional.of(shedder.status()));

        assertThat(Exchange.http(routes, Exchange.get("/v1/self")).body())
                .contains("\"memoryHighBytes\"", "\"shedding\":false,\"shedRequests\":0}").doesNotContain("shedSince");
        assertThat(Exchange.http(routes, Exchange.get("/metrics")).body())
                .contains("servd_self_shedding 0.0", "servd_self_shed_requests_total 0.0");

        ShedderFixture.squeeze(shedder);

        String self = Exchange.http(routes, Exchange.get("/v1/self")).body();
        assertThat(self).contains("\"shedding\":true,\"shedReason\":\"memory.current [", "] above high water [",
                "\"shedSince\":\"" + shedder.status().since().orElseThrow() + "\"");
        assertThat(Exchange.http(routes, Exchange.get("/metrics")).body()).contains("servd_self_shedding 1.0");
    }

    private Routes routes(Path cgroupfs, Supplier<Optional<RuntimeSizing>> sizing,
                          Supplier<Optional<ShedStatus>> shedding) throws Exception {
        Files.writeString(tmp.resolve("group"), "root:x:0:\n");
        Files.writeString(tmp.resolve("passwd"), "root:x:0:0::/root:/bin/sh\n");
        var registry = new PrometheusRegistry();
        registry.register(new SelfMetrics(sizing, shedding));
        var context = new AgentContext(new UnitTree(new CgroupRoot(cgroupfs)),
                Optional.of(new AgentContext.Self("/system.slice/foo.service", CgroupLayout.UNIFIED)), Optional.empty(),
                Optional.of(AgentApiTest.HOST), new WriteAccess(Optional.empty(), new ControlGroup(Optional.empty(),
                tmp.resolve("group"), tmp.resolve("passwd"))), registry, Runnable::run, Runnable::run, sizing, shedding);
        return AgentApi.register(Routes.builder(), context).build();
    }
}
