package io.servd.agent.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.servd.netpoll.Server;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/** servd's own listeners, read from netpoll at scrape time; label {@code listener} is the bound address. */
public final class NetpollMetrics implements MultiCollector {
    private final Supplier<List<Server>> servers;

    /** @param servers the listeners now open, e.g. {@code EventLoops::servers} */
    public NetpollMetrics(Supplier<List<Server>> servers) {
        this.servers = Objects.requireNonNull(servers, "servers");
    }

    @Override
    public MetricSnapshots collect() {
        Families f = new Families();
        f.gauge("servd_netpoll_open_connections", "connections open on the listener", null);
        f.counter("servd_netpoll_refused_connections", "connections refused by the listener's connection limit", null);
        for (Server s : servers.get()) {
            Labels listener = Labels.of("listener", String.valueOf(s.localAddress()));
            f.add("servd_netpoll_open_connections", listener, s.openConnections());
            f.add("servd_netpoll_refused_connections", listener, s.refusedConnections());
        }
        return f.build();
    }
}
