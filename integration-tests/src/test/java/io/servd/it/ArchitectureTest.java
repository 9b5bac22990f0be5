package io.servd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The layout rules of DESIGN §1 and STYLE §1, read from the compiled classes of every module by the
 * JDK's own jdeps (this module builds last in the reactor, so they are all there): which packages a
 * module's classes may reach, and no package cycles anywhere. A unit test, not an IT: it needs no VM.
 */
class ArchitectureTest {

    /** The reactor root, seen from integration-tests/. */
    private static final Path ROOT = Path.of("..");

    /** {@code io.servd.a.B -> io.servd.c.D} lines of {@code jdeps -verbose:class}; nested classes folded into their package. */
    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+(\\S+)$");

    /** Every class dependency of every module: module → set of "from-package -> to-package" (to may be any package). */
    private static final Map<String, Set<String>> EDGES = new TreeMap<>();

    @BeforeAll
    static void readClasses() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("no jdeps in this JDK"));
        for (String module : List.of("test-support", "cgroup", "netpoll", "daemon", "daemon-logback", "agent-config",
                "agent", "servctl", "examples/greeter")) {
            Path classes = ROOT.resolve(module).resolve("target/classes");
            assertThat(classes).as("compiled classes of [%s]", module).isDirectory();
            var out = new StringWriter();
            var err = new StringWriter();
            int rc = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:class", "-filter:none",
                    classes.toString());
            assertThat(rc).as("jdeps on [%s]: %s", classes, err).isZero();
            Set<String> edges = new TreeSet<>();
            for (String line : out.toString().split("\n")) {
                Matcher m = EDGE.matcher(line);
                if (m.matches() && m.group(1).startsWith("io.servd.")) {
                    edges.add(packageOf(m.group(1)) + " -> " + packageOf(m.group(2)));
                }
            }
            assertThat(edges).as("dependencies read from [%s]", classes).isNotEmpty();
            EDGES.put(module, edges);
        }
    }

    @ParameterizedTest(name = "{0} never reaches {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # module       | forbidden package prefix (DESIGN §1: a reader of cgroup never meets a Netty or jnr type, …)
        cgroup         | io.netty.
        cgroup         | jnr.
        cgroup         | io.servd.netpoll
        cgroup         | io.servd.daemon
        cgroup         | io.servd.agent
        netpoll        | io.servd.cgroup
        netpoll        | io.servd.daemon
        netpoll        | jnr.
        # the library any service embeds: no application's libraries, no agent or servctl code
        daemon         | io.servd.agent
        daemon         | io.servd.servctl
        daemon         | ch.qos.logback.
        daemon         | com.fasterxml.jackson.
        daemon         | picocli.
        daemon         | org.jline.
        daemon         | io.prometheus.
        daemon         | org.freedesktop.dbus
        # load shedding answers HTTP with fixed bytes before any codec: no HTTP library in the daemon
        daemon         | io.netty.handler.codec.http
        daemon-logback | io.servd.agent
        agent-config   | io.servd.agent.http
        agent-config   | io.servd.agent.api
        # servctl shares no server code with the agent: only its configuration rules
        servctl        | io.servd.agent.api
        servctl        | io.servd.agent.http
        servctl        | io.servd.agent.access
        servctl        | io.servd.agent.limits
        servctl        | io.servd.agent.metrics
        servctl        | io.servd.agent.units
        servctl        | io.servd.daemon
        servctl        | io.servd.netpoll
        # servctl's HTTP client is Netty's codec on NIO (issue 16): no native transport for one request
        servctl        | io.netty.channel.epoll
        servctl        | io.netty.channel.uring
        servctl        | io.netty.channel.kqueue
        examples/greeter | io.servd.agent
        # JUnit's CI rule for every module's tests: servd's code is what it tests, not what it uses
        test-support   | io.servd.cgroup
        test-support   | io.servd.daemon
        test-support   | io.servd.agent
        """)
    void moduleNeverReaches(String module, String forbidden) {
        assertThat(EDGES.get(module)).as("dependencies of [%s]", module)
                .noneMatch(edge -> edge.substring(edge.indexOf(" -> ") + 4).startsWith(forbidden));
    }

    @Test
    void noPackageCycles() {
        Map<String, Set<String>> graph = new HashMap<>();
        EDGES.values().forEach(edges -> edges.forEach(edge -> {
            String from = edge.substring(0, edge.indexOf(" -> "));
            String to = edge.substring(edge.indexOf(" -> ") + 4);
            if (to.startsWith("io.servd.") && !to.equals(from)) {
                graph.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
            }
        }));
        assertThat(cycles(graph)).as("package cycles").isEmpty();
    }

    /** Strongly connected components of more than one package (Tarjan), each as a sorted list. */
    private static List<List<String>> cycles(Map<String, Set<String>> graph) {
        var finder = new Object() {
            final Map<String, Integer> index = new HashMap<>();
            final Map<String, Integer> low = new HashMap<>();
            final Deque<String> stack = new ArrayDeque<>();
            final Set<String> onStack = new TreeSet<>();
            final List<List<String>> found = new ArrayList<>();

            void visit(String v) {
                index.put(v, index.size());
                low.put(v, index.get(v));
                stack.push(v);
                onStack.add(v);
                for (String w : graph.getOrDefault(v, Set.of())) {
                    if (!index.containsKey(w)) {
                        visit(w);
                        low.put(v, Math.min(low.get(v), low.get(w)));
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                }
                if (low.get(v).equals(index.get(v))) {
                    List<String> component = new ArrayList<>();
                    String w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        component.add(w);
                    } while (!w.equals(v));
                    if (component.size() > 1) {
                        component.sort(null);
                        found.add(component);
                    }
                }
            }
        };
        new TreeSet<>(graph.keySet()).forEach(v -> {
            if (!finder.index.containsKey(v)) {
                finder.visit(v);
            }
        });
        return finder.found;
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    @Test
    void theRulesAboveSeeEveryModule() throws Exception {
        // a module added to the reactor without being listed here would escape every rule
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
        Set<String> javaModules = new TreeSet<>();
        while (modules.find()) {
            if (Files.isDirectory(ROOT.resolve(modules.group(1)).resolve("src/main/java"))) {
                javaModules.add(modules.group(1));
            }
        }
        assertThat(EDGES.keySet()).containsExactlyInAnyOrderElementsOf(javaModules);
    }
}
