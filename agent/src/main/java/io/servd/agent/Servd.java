package io.servd.agent;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.util.internal.PlatformDependent;
import io.servd.daemon.activation.ListenFds;
import io.servd.daemon.activation.ListenFdsException;
import io.servd.agent.config.Config;
import io.servd.agent.config.ConfigException;
import io.servd.agent.config.ConfigSource;
import io.servd.agent.http.HttpApi;
import io.servd.daemon.pressure.LoadShedder;
import io.servd.daemon.pressure.PressureWatch;
import io.servd.agent.http.Reply;
import io.servd.agent.http.Routes;
import io.servd.agent.api.AgentApi;
import io.servd.agent.api.AgentContext;
import io.servd.agent.api.AgentSetup;
import io.servd.agent.config.HistorySettings;
import io.servd.agent.history.History;
import io.servd.agent.history.HistoryRecorder;
import io.servd.agent.history.HistoryStore;
import io.servd.agent.config.EventSettings;
import io.servd.agent.events.EventsRoute;
import io.servd.agent.events.UnitWatch;
import io.servd.agent.units.UnitStates;
import io.servd.agent.access.BearerToken;
import io.servd.agent.access.ControlSocket;
import io.servd.daemon.lifecycle.DrainWatch;
import io.servd.daemon.limits.CpuLimits;
import io.servd.daemon.limits.LimitWatcher;
import io.servd.daemon.limits.LoopResizer;
import io.servd.daemon.limits.MemoryLimits;
import io.servd.daemon.limits.RuntimeSizing;
import io.servd.daemon.lifecycle.Lifecycle;
import io.servd.daemon.lifecycle.ServiceSignals;
import io.servd.daemon.logback.RootLogLevel;
import io.servd.daemon.notify.Notifier;
import io.servd.daemon.watchdog.Watchdog;
import io.servd.netpoll.EventLoops;
import io.servd.netpoll.LoopSizing;
import io.servd.netpoll.NetpollConfig;
import io.servd.netpoll.Preference;
import io.servd.netpoll.Server;
import io.servd.netpoll.ServerLimits;
import io.servd.netpoll.Transport;
import io.servd.netpoll.TransportSelection;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the servd agent: load the configuration, discover limits, pick the transport, serve
 * (on inherited or own sockets), tell systemd, keep the watchdog fed, reload on SIGHUP, drain on
 * SIGTERM. {@link #run()} returns the process exit code.
 */
final class Servd {
    private static final Logger log = LoggerFactory.getLogger(Servd.class);
    /** After draining nothing is in flight, so the event loops need no quiet period to stop. */
    private static final Duration LOOPS_QUIET_PERIOD = Duration.ZERO;
    private static final Duration LOOPS_STOP_TIMEOUT = Duration.ofSeconds(5);

    private final ConfigSource source;
    private final Map<String, String> env;
    private final long pid;

    private Config config;   // the configuration in force; replaced by a successful reload
    private Server http;     // replaced when a reload changes [HTTP] Listen=
    private Preference startedTransport; // [Agent] Transport= as at start: a reload cannot change it
    private ServerLimits httpLimits;     // [HTTP] MaxConnections=, IdleTimeoutSec= as at start
    private Optional<BearerToken> token = Optional.empty(); // the HTTP token in force, as read at start
    private Optional<UnitWatch> unitEvents = Optional.empty(); // unit counters → events; closed on exit
    private Optional<HistoryRecorder> recorder = Optional.empty(); // every unit → disk; closed on exit
    private Optional<UnitStates> unitStates = Optional.empty(); // systemd's units over D-Bus; started after READY=1

    Servd(ConfigSource source, Map<String, String> env, long pid) {
        this.source = Objects.requireNonNull(source, "source");
        this.env = Map.copyOf(env);
        this.pid = pid;
    }

    int run() {
        log.info("servd [{}] starting: pid [{}], java [{}]", Version.current(), pid, Runtime.version());
        ServiceSignals signals = ServiceSignals.install();
        Listeners listeners;
        TransportSelection selection;
        Optional<Duration> watchdogInterval;
        try {
            watchdogInterval = Watchdog.interval(env, pid);
            config = source.load();
            startedTransport = config.transport();
            RootLogLevel.set(config.logLevel());
            listeners = new Listeners(ListenFds.fromEnvironment(env, pid));
            selection = Transport.detect(NetpollConfig.defaults().withTransport(config.transport()));
            logSelection(selection);
            listeners.requireAdoptable(selection.transport());
        } catch (ConfigException | ListenFdsException | RuntimeException e) {
            log.error("cannot start: {}", e.getMessage());
            log.debug("start-up failed", e);
            return 1;
        }
        Optional<LimitWatcher> limits = watchLimits();
        var shedder = LoadShedder.create(Pressure.options(config.pressure())); // the control socket is never shed
        try (Notifier notifier = Notifier.fromEnvironment(env);
             EventLoops loops = startLoops(selection.transport(), limits)) {
            var lifecycle = new Lifecycle(notifier);
            Routes routes = routes(lifecycle, loops, shedder, sizing(loops, limits));
            var api = new HttpApi(routes, config.httpLimits(), shedder);
            ConnectionBudget caps = connectionBudget(config.httpLimits().maxConnections());
            httpLimits = HttpApi.listenerLimits(config.httpLimits().withMaxConnections(caps.http()));
            var controlApi = ControlSocket.initializer(routes, config.httpLimits());
            ServerLimits controlLimits = ControlSocket.listenerLimits(config.httpLimits(), caps.control());
            Optional<Server> control;
            try {
                http = listeners.http(loops, config.httpListen(), httpLimits, api);
                if (listeners.httpInherited()) {
                    warnListenIgnored(config.httpListen());
                }
                control = listeners.control(loops, controlLimits, controlApi);
                if (control.isEmpty()) {
                    control = ownControlSocket(loops, controlLimits, controlApi);
                }
            } catch (BindException | ListenFdsException e) {
                log.error("cannot listen on [{}]: {}", Config.format(config.httpListen()), e.getMessage());
                log.debug("bind failed", e);
                return 1;
            }
            try {
                lifecycle.ready(status());
            } catch (IOException e) {
                log.error("telling systemd [READY=1] failed via [{}]: {}", notifier, e.getMessage());
                log.debug("notify failed", e);
                return 1;
            }
            // Only now the D-Bus connection and the first listing of every unit (UnitStates.systemBus): until
            // that listing, unit states answer "not yet listed", as they would while it ran before READY.
            unitStates.ifPresent(UnitStates::start);
            // And the pressure watch (the watcher's limits), whose pipe, PSI trigger and poll bind jnr-ffi
            // (~250 classes): until its first sample the shedder does not shed, as before that sample at any
            // start; a start already over memory.high sheds from here, not from the bind.
            // The watchdog pings only while every event loop runs a task: within a quarter interval, or
            // late with a warning; each probe gives up after one interval so that probes never pile up.
            try (PressureWatch pressure = PressureWatch.start(shedder, env, limits);
                 var watchdog = watchdogInterval
                    .map(interval -> Watchdog.start(interval, notifier, () -> loops.ping(interval)))
                    .orElse(null)) {
                while (signals.next() == ServiceSignals.Request.RELOAD) {
                    reload(lifecycle, loops, api, listeners);
                }
                lifecycle.stopping("stopping after " + signals.stopSignal() + ": draining");
                control.ifPresent(Server::stopAccepting);
                var drained = DrainWatch.await(http.drain(config.drainTimeout()), config.drainTimeout(), lifecycle,
                        System::nanoTime);
                log.info("drained: [{}] connections open at start, [{}] closed at the deadline, took [{}]",
                        drained.openAtStart(), drained.forced(), drained.took());
            }
            loops.shutdownGracefully(LOOPS_QUIET_PERIOD, LOOPS_STOP_TIMEOUT).join();
            lifecycle.stopped();
            log.info("stopped");
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.error("interrupted while serving");
            return 1;
        } catch (ExecutionException e) {
            log.error("draining failed: {}", e.getCause().toString());
            return 1;
        } catch (IOException e) {
            log.error("closing the notify socket failed: {}", e.getMessage());
            return 1;
        } finally {
            limits.ifPresent(LimitWatcher::close);
            unitEvents.ifPresent(UnitWatch::close);
            recorder.ifPresent(HistoryRecorder::close);
        }
    }

    /**
     * SIGHUP: RELOADING=1, read the configuration again, apply what can change live ([HTTP] Listen=,
     * [Agent] DrainTimeoutSec=, [Log] Level=), READY=1. A configuration that does not load, a token
     * that would be refused ({@link BearerToken#read}: mode, length), or a new address that cannot be
     * bound, is refused as a whole with one error line; the running one stays.
     */
    private void reload(Lifecycle lifecycle, EventLoops loops, HttpApi api, Listeners listeners)
            throws ListenFdsException {
        lifecycle.reloading();
        Config next;
        try {
            next = source.load();
        } catch (ConfigException e) {
            log.error("reload refused, keeping the running configuration: {}", e.getMessage());
            lifecycle.reloaded(status() + " (last reload refused: see the journal)");
            return;
        }
        try {
            // a token refused now would be refused at the next start: say so while the running one still works
            if (!AgentSetup.token(agentSettings(next)).equals(token)) {
                log.warn("[HTTP] TokenFile= and TokenCredential= (and the token's content) take effect at the next restart");
            }
        } catch (IOException e) {
            log.error("reload refused, keeping the running configuration: {}", e.getMessage());
            lifecycle.reloaded(status() + " (last reload refused: see the journal)");
            return;
        }
        if (!next.transport().equals(startedTransport)) {
            log.warn("[Transport={}] takes effect at the next restart; still on [{}]", next.transport(),
                    loops.transport());
        }
        if (!next.httpLimits().equals(config.httpLimits())) {
            log.warn("[HTTP] MaxConnections=, IdleTimeoutSec=, HeaderTimeoutSec=, ReadTimeoutSec= and AllowedHosts= "
                    + "take effect at the next restart");
        }
        if (listeners.httpInherited()) {
            warnListenIgnored(next.httpListen());
        } else if (!next.httpListen().equals(config.httpListen())) {
            Server moved;
            try {
                moved = loops.bind(next.httpListen(), httpLimits, api);
            } catch (BindException e) {
                log.error("reload refused, keeping the running configuration: cannot listen on [{}]: {}",
                        Config.format(next.httpListen()), e.getMessage());
                lifecycle.reloaded(status() + " (last reload refused: see the journal)");
                return;
            }
            Server old = http;
            http = moved;
            old.drain(next.drainTimeout());
            log.info("http moved from [{}] to [{}]", old.localAddress(), moved.localAddress());
        }
        RootLogLevel.set(next.logLevel());
        config = next;
        lifecycle.reloaded(status());
        log.info("reloaded [{}]", config.configFile());
    }

    /**
     * [HTTP] Listen= does not apply while servd.socket passes the HTTP socket: say so when it names
     * another address than the one systemd listens on (the defaults agree, so a stock install is quiet).
     */
    private void warnListenIgnored(InetSocketAddress listen) {
        var inherited = (InetSocketAddress) http.localAddress();
        if (!listen.equals(inherited)) {
            log.warn("[Listen={}] does not apply: servd.socket passes the HTTP socket on [{}]; change its ListenStream= "
                    + "(systemctl edit servd.socket) or disable servd.socket", Config.format(listen),
                    Config.format(inherited));
        }
    }

    private String status() {
        return "serving on http://" + Config.format((InetSocketAddress) http.localAddress());
    }

    /**
     * The control socket servd binds itself when systemd passed none: only where its directory exists
     * (/run/servd, made by RuntimeDirectory= or tmpfiles.d), replacing a stale socket file left by a
     * previous run. Failing to bind it costs the write path only, so it is a warning, not fatal.
     */
    private Optional<Server> ownControlSocket(EventLoops loops, ServerLimits limits, ChannelInitializer<Channel> api) {
        Path path = config.controlSocket();
        if (path.getParent() == null || !Files.isDirectory(path.getParent())) {
            log.info("control socket off: directory [{}] does not exist", path.getParent());
            return Optional.empty();
        }
        try {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && Files.readAttributes(path,
                    BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                Files.delete(path); // a socket left by a previous run: connecting to it would be refused
            }
            Server server = ControlSocket.bind(loops, path, limits, api, Optional.of(config.controlGroup()));
            log.info("control socket on [{}] (mode 0660, group [{}])", path, config.controlGroup());
            return Optional.of(server);
        } catch (IOException e) {
            log.warn("control socket off: cannot bind [{}]: {}", path, e.getMessage());
            return Optional.empty();
        }
    }

    private Routes routes(Lifecycle lifecycle, EventLoops loops, LoadShedder shedder, Supplier<Optional<RuntimeSizing>> sizing) {
        // the agent: /metrics, /v1/self, /v1/units[/{unit}[/limits]] (agent/API.md)
        var agent = AgentSetup.system(agentSettings(config), loops::servers, sizing, () -> Optional.of(shedder.status()));
        token = agent.access().token();
        unitStates = Optional.of(agent.states());
        EventSettings e = config.events();
        unitEvents = Optional.of(UnitWatch.start(agent.units(), agent.events(),
                new UnitWatch.Settings(e.sample(), e.pressureThreshold(), e.pressureClear())));
        return AgentApi.register(Routes.builder(), agent, new EventsRoute(agent.events(), e.maxFollowers(), e.heartbeat()),
                        history(agent))
                .get("/healthz", request -> Reply.json(HttpResponseStatus.OK, Map.of("status", "ok")))
                .get("/readyz", request -> Pressure.readiness(lifecycle.state(), shedder.status()))
                .build();
    }

    /**
     * The store under {@code [History] Directory=} or {@code $STATE_DIRECTORY/history}, recorded from now
     * on; unavailable, and said once, when there is neither or it cannot be opened: history costs the
     * history routes only, so it is never fatal.
     */
    private History history(AgentContext agent) {
        HistorySettings h = config.history();
        Optional<Path> dir = h.directoryIn(env);
        if (dir.isEmpty()) {
            String cause = "no [History] Directory= and no $STATE_DIRECTORY (StateDirectory= of servd.service)";
            log.info("history off: {}", cause);
            return History.unavailable(cause);
        }
        try {
            HistoryStore store = HistoryStore.open(dir.get(), h.retention(), h.maxSize().bytes());
            recorder = Optional.of(HistoryRecorder.start(agent.units(), agent.states(), store, h.interval()));
            return History.of(store, h.interval());
        } catch (IOException e) {
            log.warn("history off: cannot open [{}]: {}", dir.get(), e.getMessage());
            return History.unavailable("cannot open [" + dir.get() + "]: " + e.getMessage());
        }
    }

    private AgentSetup.Settings agentSettings(Config c) {
        return new AgentSetup.Settings(c.tokenFile(), c.tokenCredential(), Optional.of(c.controlGroup()), env, c.metrics());
    }

    /**
     * The watcher of our cgroup's limits (it logs them once, then each change); empty, and logged, when
     * the cgroup cannot be discovered: the loops are then sized for the host's CPUs, once.
     */
    private static Optional<LimitWatcher> watchLimits() {
        try {
            return Optional.of(LimitWatcher.start());
        } catch (IOException e) {
            log.warn("cgroup discovery failed, sizing for the host's [{}] cpus, limits not followed: {}",
                    Runtime.getRuntime().availableProcessors(), e.getMessage());
            log.debug("cgroup discovery failed", e);
            return Optional.empty();
        }
    }

    /** Event loops that follow the CPU limit (LoopResizer), or sized once for the host without a watcher. */
    private static EventLoops startLoops(Transport transport, Optional<LimitWatcher> limits) {
        if (limits.isPresent()) {
            return LoopResizer.start(transport, LoopSizing.defaults(), limits.get());
        }
        int host = Runtime.getRuntime().availableProcessors();
        EventLoops loops = EventLoops.start(transport, LoopSizing.defaults(), host);
        log.info("event loops: [{}] on [{}] for [{}] cpus", loops.workerCount(), transport, host);
        return loops;
    }

    /** {@code /v1/self}'s runtime object: read from the loops and the watcher's last reading, no file. */
    private static Supplier<Optional<RuntimeSizing>> sizing(EventLoops loops, Optional<LimitWatcher> limits) {
        int host = Runtime.getRuntime().availableProcessors();
        return () -> Optional.of(limits.map(w -> RuntimeSizing.of(loops, w.current()))
                .orElseGet(() -> new RuntimeSizing(loops.workerCount(), loops.workerCapacity(), CpuLimits.host(host),
                        MemoryLimits.none())));
    }

    /**
     * One INFO line for the choice, one per native transport tried first and unavailable. Transports
     * after the chosen one in the auto order are named but not probed: probing loads their native
     * library, which costs start-up time for nothing.
     */
    /**
     * The listeners' caps from the JVM's direct memory as Netty sees it ({@code -XX:MaxDirectMemorySize},
     * which servd-java sizes from the cgroup, else the heap's maximum): one line when that lowers them.
     */
    private static ConnectionBudget connectionBudget(int httpCap) {
        long maxDirect = PlatformDependent.maxDirectMemory();
        var caps = ConnectionBudget.of(maxDirect, httpCap, ControlSocket.MAX_CONNECTIONS, HttpApi.CONNECTION_DIRECT_BYTES);
        if (caps.http() < httpCap || caps.control() < ControlSocket.MAX_CONNECTIONS) {
            log.info("serving at most [{}] http connections (of [{}] from [HTTP] MaxConnections=) and [{}] control "
                            + "connections (of [{}]): each may hold [{}] bytes of direct memory and the JVM has [{}] "
                            + "(-XX:MaxDirectMemorySize, set through SERVD_JAVA_OPTS)",
                    caps.http(), httpCap, caps.control(), ControlSocket.MAX_CONNECTIONS,
                    HttpApi.CONNECTION_DIRECT_BYTES, maxDirect);
        }
        return caps;
    }

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
