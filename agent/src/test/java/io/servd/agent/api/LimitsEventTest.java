package io.servd.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.servd.agent.access.ControlGroup;
import io.servd.agent.access.PeerCredentials;
import io.servd.agent.access.WriteAccess;
import io.servd.agent.events.EventLog;
import io.servd.agent.events.LimitsChanged;
import io.servd.agent.http.Routes;
import io.servd.agent.limits.LimitsApplier;
import io.servd.agent.limits.LimitsPlan;
import io.servd.agent.units.UnitCgroup;
import io.servd.agent.units.UnitTree;
import io.servd.cgroup.CgroupLayout;
import io.servd.cgroup.fs.CgroupRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An apply publishes one {@code limits-changed} event: who, unit, properties, each file's old → new. */
class LimitsEventTest {
    @TempDir
    Path tmp;

    @Test
    void anApplyThroughTheFakeApplierIsALimitsChangedEvent() throws IOException {
        Path cgroupfs = Fixtures.copy("debian12-systemd252", Files.createDirectory(tmp.resolve("cgroup")));
        Files.writeString(tmp.resolve("group"), "root:x:0:\n");
        Files.writeString(tmp.resolve("passwd"), "root:x:0:0::/root:/bin/sh\n");
        LimitsApplier writesTheKernelValue = new LimitsApplier() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public void apply(LimitsPlan plan, Optional<UnitCgroup> cgroup) {
                plan.cgroupWrites().forEach(w -> {
                    try {
                        Files.writeString(cgroup.orElseThrow().dir().file(w.file()), w.content() + "\n");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        };
        var events = new EventLog();
        var tree = new UnitTree(new CgroupRoot(cgroupfs));
        var context = new AgentContext(tree, Optional.of(new AgentContext.Self("/system.slice/foo.service", CgroupLayout.UNIFIED)),
                Optional.of(writesTheKernelValue), Optional.of(AgentApiTest.HOST), new WriteAccess(Optional.empty(),
                new ControlGroup(Optional.empty(), tmp.resolve("group"), tmp.resolve("passwd"))), new PrometheusRegistry(),
                Runnable::run, Runnable::run, Optional::empty, Optional::empty, events);
        Routes routes = AgentApi.register(Routes.builder(), context).build();

        var r = Exchange.control(routes, Optional.of(new PeerCredentials(77, 0, 0)),
                Exchange.put("/v1/units/foo.service/limits", "application/json", "{\"MemoryMax\":\"32M\"}"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        var logged = events.after(0, 10).events();
        assertThat(logged).hasSize(1);
        var e = (LimitsChanged) logged.get(0).event();
        assertThat(e.unit()).isEqualTo("foo.service");
        assertThat(e.who()).isEqualTo("uid=0 pid=77");
        assertThat(e.applier()).isEqualTo("fake");
        assertThat(e.properties()).contains("MemoryMax");
        assertThat(e.changes()).containsEntry("memory.max", new LimitsChanged.Change("67108864", "33554432"));
        assertThat(new String(logged.get(0).line(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"changes\":{\"memory.max\":{\"old\":\"67108864\",\"new\":\"33554432\"}}");

        var dry = Exchange.control(routes, Optional.of(new PeerCredentials(77, 0, 0)),
                Exchange.put("/v1/units/foo.service/limits", "application/json", "{\"MemoryMax\":\"16M\",\"dryRun\":true}"));
        assertThat(dry.status()).as(dry.body()).isEqualTo(200);
        assertThat(events.lastId()).as("a dry run changes nothing").isEqualTo(1);
    }
}
