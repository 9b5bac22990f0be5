package io.servd.daemon;

import io.servd.cgroup.Cgroups;
import io.servd.cgroup.EffectiveLimits;
import io.servd.cgroup.ProcessCgroup;
import io.servd.daemon.http.HttpApi;
import io.servd.daemon.http.Reply;
import io.servd.daemon.http.Routes;
import io.servd.daemon.lifecycle.Lifecycle;
import io.servd.daemon.lifecycle.State;
import io.servd.daemon.lifecycle.TerminationSignals;
import io.servd.daemon.notify.Notifier;
import io.servd.netpoll.EventLoops;
import io.servd.netpoll.LoopSizing;
import io.servd.netpoll.NetpollConfig;
import io.servd.netpoll.Preference;
import io.servd.netpoll.Server;
import io.servd.netpoll.Transport;
import io.servd.netpoll.TransportSelection;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the servd agent: discover limits, pick the transport, serve, tell systemd, wait for
 * SIGTERM, drain. {@link #run()} returns the process exit code.
 */
final class Servd {
    private static final Logger log = LoggerFactory.getLogger(Servd.class);
    /** After draining nothing is in flight, so the event loops need no quiet period to stop. */
    private static final Duration LOOPS_QUIET_PERIOD = Duration.ZERO;
    private static final Duration LOOPS_STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Config config;
    private final Map<String, String> env;
    private final long pid;

    Servd(Config config, Map<String, String> env, long pid) {
        this.config = Objects.requireNonNull(config, "config");
        this.env = Map.copyOf(env);
        this.pid = pid;
    }

    int run() {
        log.info("servd [{}] starting: pid [{}], java [{}]", ServdMain.Version.current(), pid,
                Runtime.version());
        TerminationSignals signals = TerminationSignals.install();
        double cpus = availableCpus();
        TransportSelection selection;
        try {
            selection = Transport.detect(NetpollConfig.defaults().withTransport(Preference.parse(config.transport())));
        } catch (RuntimeException e) {
            log.error("cannot use transport [{}]: {}", config.transport(), e.getMessage());
            log.debug("transport selection failed", e);
            return 1;
        }
        logSelection(selection);

        try (Notifier notifier = Notifier.fromEnvironment(env);
             EventLoops loops = EventLoops.start(selection.transport(), LoopSizing.defaults(), cpus)) {
            log.info("event loops: [{}] on [{}] for [{}] cpus", loops.workerCount(), selection.transport(), cpus);
            var lifecycle = new Lifecycle(notifier);
            Server http;
            try {
                http = loops.bind(config.httpListen(), new HttpApi(routes(lifecycle)));
            } catch (BindException e) {
                log.error("cannot listen on [{}]: {}", Config.format(config.httpListen()), e.getMessage());
                log.debug("bind failed", e);
                return 1;
            }
            String address = "http://" + Config.format((java.net.InetSocketAddress) http.localAddress());
            try {
                lifecycle.ready("serving on " + address);
            } catch (IOException e) {
                log.error("telling systemd [READY=1] failed via [{}]: {}", notifier, e.getMessage());
                log.debug("notify failed", e);
                return 1;
            }
            String signal = signals.await();
            lifecycle.stopping("stopping after " + signal + ": draining");
            var drained = http.drain(config.drainTimeout()).join();
            log.info("drained: {}", drained);
            loops.shutdownGracefully(LOOPS_QUIET_PERIOD, LOOPS_STOP_TIMEOUT).join();
            lifecycle.stopped();
            log.info("stopped");
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.error("interrupted while serving");
            return 1;
        } catch (IOException e) {
            log.error("closing the notify socket failed: {}", e.getMessage());
            return 1;
        }
    }

    private Routes routes(Lifecycle lifecycle) {
        return Routes.builder()
                .get("/healthz", request -> Reply.json(HttpResponseStatus.OK, Map.of("status", "ok")))
                .get("/readyz", request -> lifecycle.state() == State.READY
                        ? Reply.json(HttpResponseStatus.OK, Map.of("status", "ready"))
                        : Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready",
                                "servd is [" + lifecycle.state().name().toLowerCase(java.util.Locale.ROOT) + "]"))
                .build();
    }

    /** Our cgroup and its effective limits, logged once; the CPUs to size event loops for. */
    private double availableCpus() {
        int hostCpus = Runtime.getRuntime().availableProcessors();
        EffectiveLimits limits;
        try {
            ProcessCgroup self = Cgroups.self();
            limits = self.effectiveLimits();
            log.info("cgroup [{}] on [{}] hierarchy: {}", self.path(),
                    self.layout().name().toLowerCase(java.util.Locale.ROOT), limits.describe());
        } catch (IOException e) {
            log.warn("cgroup discovery failed, sizing for the host's [{}] cpus: {}", hostCpus, e.getMessage());
            log.debug("cgroup discovery failed", e);
            return hostCpus;
        }
        return limits.availableCpus(hostCpus);
    }

    /**
     * One INFO line for the choice, one per native transport tried first and unavailable. Transports
     * after the chosen one in the auto order are named but not probed: probing loads their native
     * library, which costs start-up time for nothing.
     */
    private static void logSelection(TransportSelection selection) {
        Transport chosen = selection.transport();
        if (selection.requested() == Preference.AUTO) {
            var order = Transport.AUTO_ORDER.stream().map(Preference::configValue).toList();
            var notProbed = order.subList(order.indexOf(chosen.name()) + 1, order.size());
            log.info("transport [{}] (auto, order {}{})", chosen, order,
                    notProbed.isEmpty() ? "" : "; not probed: " + notProbed);
        } else {
            log.info("transport [{}] (configured)", chosen);
        }
        for (var skipped : selection.skipped()) {
            log.info("transport [{}] skipped: {}", skipped.transport(), skipped.reason());
            log.debug("transport [{}] unavailable", skipped.transport(), skipped.cause());
        }
    }
}
