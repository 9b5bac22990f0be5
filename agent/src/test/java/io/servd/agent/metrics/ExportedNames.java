package io.servd.agent.metrics;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.servd.agent.units.ActiveState;
import io.servd.agent.units.UnitState;
import io.servd.agent.units.UnitStates;
import io.servd.daemon.limits.CpuLimits;
import io.servd.daemon.limits.MemoryLimits;
import io.servd.daemon.limits.RuntimeSizing;
import io.servd.daemon.pressure.ShedStatus;
import io.servd.netpoll.EventLoops;
import io.servd.netpoll.LoopSizing;
import io.servd.netpoll.NetpollConfig;
import io.servd.netpoll.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names the shipped rules and dashboard may use, taken from the agent itself rather than
 * from a list kept by hand: the sample names of a text-format scrape of every collector the agent
 * registers (AgentSetup: JVM, units over {@link MetricsFixture}'s tree, unit states, listeners, self),
 * each fed so that all its families have samples; plus the recording rules of servd-rules.yml and
 * Prometheus' own {@code up}. Also: which metric names a PromQL expression reads.
 */
final class ExportedNames {
    /** The series Prometheus itself writes for every target. */
    static final String UP = "up";

    private static final Pattern QUOTED = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    /** An identifier that is not followed by "(" (a function call). */
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:.])([a-zA-Z_:][\\w:]*+)(?!\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan",
            "by", "without", "on", "ignoring", "group_left", "group_right", "start", "end");
    private static final Pattern RECORD = Pattern.compile("(?m)^\\s*- record:\\s*(\\S+)\\s*$");

    private ExportedNames() {
    }

    /** Sample names of one scrape of every collector the agent registers, the fixture tree below {@code dir}. */
    static Set<String> agent(Path dir) throws IOException {
        MetricsFixture.compose(dir);
        var registry = new PrometheusRegistry();
        JvmMetricsWithoutJmx.register(registry);
        registry.register(MetricsFixture.unitMetrics(dir, u -> true));
        var failed = UnitState.of("broken.service", ActiveState.FAILED, "failed").withNRestarts(OptionalLong.of(2))
                .withActiveEnter(Optional.of(Instant.ofEpochSecond(1_700_000_000L)));
        registry.register(new UnitStateMetrics(UnitStates.fixed(List.of(failed))));
        registry.register(new SelfMetrics(() -> Optional.of(new RuntimeSizing(1, 4, CpuLimits.host(4), MemoryLimits.none())),
                () -> Optional.of(new ShedStatus(false, Optional.empty(), Optional.empty(), 0, 0))));
        try (EventLoops loops = EventLoops.start(Transport.detect(NetpollConfig.defaults()).transport(),
                LoopSizing.defaults(), 1)) {
            loops.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                }
            });
            registry.register(new NetpollMetrics(loops::servers));
            var reply = new MetricsEndpoint(registry).scrape(
                    new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/metrics"));
            return sampleNames(new String(reply.body(), StandardCharsets.UTF_8));
        }
    }

    /** The name of every sample line of a text-format exposition. */
    static Set<String> sampleNames(String exposition) {
        Set<String> names = new TreeSet<>();
        exposition.lines().filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
        return names;
    }

    /** What the agent exports, what servd-rules.yml records, and {@code up}. */
    static Set<String> usable(Path dir) throws IOException {
        Set<String> names = new TreeSet<>(agent(dir));
        names.addAll(recorded(Files.readString(Promtool.SHIPPED.resolve("servd-rules.yml"))));
        names.add(UP);
        return names;
    }

    /** The names the {@code - record:} entries of a rules file define. */
    static List<String> recorded(String rulesYaml) {
        return firstGroups(RECORD, rulesYaml);
    }

    /** Group 1 of every match of {@code pattern} in {@code text}, in order. */
    static List<String> firstGroups(Pattern pattern, String text) {
        List<String> groups = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            groups.add(m.group(1));
        }
        return groups;
    }

    /**
     * The metric names {@code expr} selects: identifiers outside label matchers, strings, ranges and
     * grouping clauses that are neither a function call nor a keyword. Grafana's variables must have
     * been substituted already.
     */
    static Set<String> referencedBy(String expr) {
        String bare = QUOTED.matcher(expr).replaceAll("\"\"");
        bare = MATCHERS.matcher(bare).replaceAll(" ");
        bare = RANGES.matcher(bare).replaceAll(" ");
        bare = GROUPING.matcher(bare).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group(1).toLowerCase(Locale.ROOT))) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
