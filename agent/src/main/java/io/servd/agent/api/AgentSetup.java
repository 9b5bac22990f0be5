package io.servd.agent.api;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.servd.cgroup.CgroupLayout;
import io.servd.cgroup.CgroupMounts;
import io.servd.cgroup.CgroupWriter;
import io.servd.cgroup.Cgroups;
import io.servd.cgroup.ProcessCgroup;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;
import io.servd.cgroup.unit.DropInWriter;
import io.servd.cgroup.unit.HostResources;
import io.servd.cgroup.unit.SysfsBlockDevices;
import io.servd.agent.access.BearerToken;
import io.servd.agent.access.ControlGroup;
import io.servd.agent.access.WriteAccess;
import io.servd.agent.events.EventLog;
import io.servd.agent.events.StateChanges;
import io.servd.agent.limits.CgroupfsLimitsApplier;
import io.servd.agent.limits.LimitsApplier;
import io.servd.agent.limits.SystemdLimitsApplier;
import io.servd.agent.config.MetricsSettings;
import io.servd.agent.metrics.JvmMetricsWithoutJmx;
import io.servd.agent.metrics.NetpollMetrics;
import io.servd.agent.metrics.SelfMetrics;
import io.servd.agent.metrics.UnitMetrics;
import io.servd.agent.metrics.UnitStateMetrics;
import io.servd.agent.units.UnitStates;
import io.servd.agent.units.UnitTree;
import io.servd.daemon.limits.RuntimeSizing;
import io.servd.daemon.pressure.ShedStatus;
import io.servd.netpoll.Server;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the production {@link AgentContext}, logging each decision once. */
public final class AgentSetup {
    private static final Logger log = LoggerFactory.getLogger(AgentSetup.class);

    /** Applies waiting for the limits thread at most: more answer 503 at once rather than queue behind a stuck call. */
    static final int MAX_QUEUED_APPLIES = 8;
    static final int MAX_QUEUED_READS = 64;

    /**
     * The agent's settings from servd's configuration.
     *
     * @param tokenFile       file holding the HTTP bearer token
     * @param tokenCredential systemd credential holding it instead ({@code $CREDENTIALS_DIRECTORY/<name>});
     *                        with neither, HTTP writes are disabled
     * @param controlGroup    group whose members may write through the control socket (besides root)
     * @param env             the process environment, for {@code $CREDENTIALS_DIRECTORY}
     * @param metrics         which units {@code /metrics} reports
     */
    public record Settings(Optional<Path> tokenFile, Optional<String> tokenCredential, Optional<String> controlGroup,
                           Map<String, String> env, MetricsSettings metrics) {
        public Settings {
            Objects.requireNonNull(metrics, "metrics");
            Objects.requireNonNull(tokenFile, "tokenFile");
            Objects.requireNonNull(tokenCredential, "tokenCredential");
            Objects.requireNonNull(controlGroup, "controlGroup");
            env = Map.copyOf(env);
        }

        /** Every unit in {@code /metrics}. */
        public Settings(Optional<Path> tokenFile, Optional<String> tokenCredential, Optional<String> controlGroup,
                        Map<String, String> env) {
            this(tokenFile, tokenCredential, controlGroup, env, MetricsSettings.defaults());
        }

        /** A token file or none, no credentials. */
        public Settings(Optional<Path> tokenFile, Optional<String> controlGroup) {
            this(tokenFile, Optional.empty(), controlGroup, Map.of());
        }

        /** No token (HTTP read-only), control-socket writes for root only. */
        public static Settings defaults() {
            return new Settings(Optional.empty(), Optional.empty());
        }
    }

    private AgentSetup() {
    }

    /**
     * The context for this host: units from the cgroup v2 tree, limits through systemd's D-Bus API when
     * systemd runs, else through cgroupfs on a unified host, else none. Opens no D-Bus connection: its
     * {@link AgentContext#states()} connect at {@link UnitStates#start()}, each apply opens its own.
     *
     * @param servers servd's open listeners, for the netpoll metrics
     * @param sizing  what the event loops are sized for now, for {@code /v1/self} and {@code servd_self_*}
     * @param shedding the load shedder's state now, likewise
     */
    public static AgentContext system(Settings settings, Supplier<List<Server>> servers,
                                      Supplier<Optional<RuntimeSizing>> sizing,
                                      Supplier<Optional<ShedStatus>> shedding) {
        Optional<CgroupMounts> mounts = mounts();
        // /sys/fs/cgroup on a unified host, its unified/ mount on a hybrid one; the units list is empty without either
        CgroupRoot root = mounts.flatMap(CgroupMounts::unified).orElse(CgroupRoot.system());
        Optional<AgentContext.Self> self = Optional.empty();
        try {
            ProcessCgroup cgroup = Cgroups.self();
            self = Optional.of(new AgentContext.Self(cgroup.path(), cgroup.layout()));
        } catch (IOException e) {
            log.warn("own cgroup unknown, /v1/self will answer 503: {}", e.getMessage());
        }
        Optional<HostResources> host;
        try {
            host = Optional.of(HostResources.read(ProcFs.system(), root).withBlockDevices(SysfsBlockDevices.system()));
        } catch (IOException | RuntimeException e) {
            log.warn("host resources unknown, percentages cannot be planned: {}", e.getMessage());
            host = Optional.empty();
        }
        Optional<LimitsApplier> applier = applier(mounts);
        log.info("units from [{}]; limits applied via [{}]", root.mountPoint(),
                applier.map(LimitsApplier::name).orElse("nothing: read-only"));
        UnitStates states = unitStates();
        var events = new EventLog();
        states.addListener(new StateChanges(events));
        var access = new WriteAccess(tokenOrNone(settings), ControlGroup.system(settings.controlGroup()));
        var registry = new PrometheusRegistry();
        JvmMetricsWithoutJmx.register(registry);
        registry.register(new UnitMetrics(new UnitTree(root), settings.metrics()::reports));
        registry.register(new UnitStateMetrics(states));
        registry.register(new NetpollMetrics(servers));
        registry.register(new SelfMetrics(sizing, shedding));
        return new AgentContext(new UnitTree(root), self, applier, host, access, registry, limitsExecutor(),
                readExecutor(), sizing, shedding, states, events);
    }

    /**
     * Unit states from systemd on the system bus, watched in the background once the caller
     * {@linkplain UnitStates#start() starts} them (servd: after READY=1); unavailable (and said once)
     * when systemd does not run here, as in a container or a test.
     */
    private static UnitStates unitStates() {
        Optional<String> noSystemd = SystemdLimitsApplier.unavailabilityCause();
        if (noSystemd.isPresent()) {
            log.info("no unit states: {}; units show their cgroups only", noSystemd.get());
            return UnitStates.unavailable(noSystemd.get());
        }
        return UnitStates.systemBus();
    }

    /**
     * Where applies run: one daemon thread ({@code servd-limits}), so applies never run concurrently
     * (a rollback never races another apply) and never on an event loop; started by the first apply
     * and ended after a minute idle. At most {@value #MAX_QUEUED_APPLIES} wait; more are rejected.
     */
    static ExecutorService limitsExecutor() {
        return singleThread("servd-limits", MAX_QUEUED_APPLIES);
    }

    /**
     * Where the read routes' cgroupfs reads run: one daemon thread ({@code servd-read}), ended after a
     * minute idle. {@code /v1/units} and {@code /metrics} are coalesced (one waiting run each, whatever
     * the number of clients); a read of one unit or of {@code /v1/self} takes a place each, and at most
     * {@value #MAX_QUEUED_READS} wait: more answer 503 at once, and the event loops stay free.
     */
    static ExecutorService readExecutor() {
        return singleThread("servd-read", MAX_QUEUED_READS);
    }

    private static ExecutorService singleThread(String name, int queue) {
        var pool = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * The HTTP bearer token {@code settings} name, read and checked ({@link BearerToken#read}); empty
     * when none is configured. servd calls this at start and on reload.
     *
     * @throws IOException naming the file (and its mode or length) when the token is refused
     */
    public static Optional<BearerToken> token(Settings settings) throws IOException {
        if (settings.tokenCredential().isPresent()) {
            return Optional.of(BearerToken.readCredential(settings.tokenCredential().get(), settings.env()));
        }
        if (settings.tokenFile().isPresent()) {
            return Optional.of(BearerToken.read(settings.tokenFile().get()));
        }
        return Optional.empty();
    }

    /** The hierarchies under {@code /sys/fs/cgroup}; empty, and logged, when they cannot be read. */
    private static Optional<CgroupMounts> mounts() {
        try {
            return Optional.of(CgroupMounts.detect(CgroupRoot.system()));
        } catch (IOException e) {
            log.warn("cgroup mounts under [{}] unreadable, units and cgroupfs writes unavailable: {}",
                    CgroupRoot.SYSTEM_MOUNT_POINT, e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<LimitsApplier> applier(Optional<CgroupMounts> mounts) {
        Optional<String> noDbus = SystemdLimitsApplier.unavailabilityCause();
        if (noDbus.isEmpty()) {
            return Optional.of(new SystemdLimitsApplier());
        }
        log.info("limits not via D-Bus: {}", noDbus.get());
        // cgroupfs writes need the unified layout: v1 hierarchies are read, never written
        if (mounts.isPresent() && mounts.get().layout() == CgroupLayout.UNIFIED) {
            return Optional.of(new CgroupfsLimitsApplier(new CgroupWriter(), new DropInWriter(Path.of("/"))));
        }
        return Optional.empty();
    }

    private static Optional<BearerToken> tokenOrNone(Settings settings) {
        try {
            Optional<BearerToken> token = token(settings);
            if (token.isEmpty()) {
                log.info("no token file: writes over HTTP are disabled");
            }
            return token;
        } catch (IOException e) {
            log.error("token refused, writes over HTTP are disabled: {}", e.getMessage());
            return Optional.empty();
        }
    }
}
