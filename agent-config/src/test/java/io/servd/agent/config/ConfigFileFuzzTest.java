package io.servd.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servd.cgroup.unit.Diagnostic;
import io.servd.cgroup.unit.TimeSpan;
import io.servd.netpoll.Preference;
import io.servd.testsupport.NearMiss;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.slf4j.event.Level;

/**
 * servd.conf written from its grammar, then near misses of it (issue 12 item 6): {@link ConfigFile#parse}
 * returns a configuration or throws {@link ConfigException} listing problems as {@code file:line:
 * problem: Directive=[value]}, each naming this file, a line of it and text from that line; nothing
 * else escapes. A file written from a configuration parses back to it.
 */
class ConfigFileFuzzTest {

    private static final Path FILE = Path.of("/etc/servd/servd.conf");

    /** A configuration and the servd.conf text that says it. */
    record Written(Config config, String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    @Property
    void writtenFileParsesBackToItsConfiguration(@ForAll("files") Written written) throws ConfigException {
        assertThat(ConfigFile.parse(FILE, written.text(), Config.defaults())).isEqualTo(written.config());
    }

    @Property
    void nearMissParsesOrIsRefusedNamingFileLineAndValue(@ForAll("nearMisses") String text) {
        try {
            ConfigFile.parse(FILE, text, Config.defaults());
        } catch (ConfigException e) {
            assertThat(e.getMessage()).startsWith("[" + FILE + "] has " + e.diagnostics().size() + " problem(s): ");
            assertThat(e.diagnostics()).isNotEmpty();
            String[] lines = text.split("\n", -1);
            for (Diagnostic d : e.diagnostics()) {
                assertThat(e.getMessage()).contains(d.toString());
                assertThat(d.toString()).startsWith(FILE + ":" + d.line() + ": ").contains("[" + d.value() + "]");
                assertThat(d.line()).isBetween(1, lines.length);
                if (!text.contains("\\")) { // no continuation: the value stands on the line named
                    assertThat(lines[d.line() - 1]).contains(d.value());
                }
            }
        }
    }

    @Example
    void theShippedFileSurvivesTruncationAtEveryCharacter() throws Exception {
        String shipped = Files.readString(Path.of("../packaging/deb/src/deb/etc/servd.conf"));
        // every setting uncommented, as an administrator would
        for (String prefix : NearMiss.prefixes(shipped.replaceAll("(?m)^#(?=[A-Z][A-Za-z]*=)", ""))) {
            try {
                ConfigFile.parse(FILE, prefix, Config.defaults());
            } catch (ConfigException e) {
                assertThat(e.getMessage()).startsWith("[" + FILE + "] has ");
            }
        }
    }

    @Example
    void listenNeverLooksUpAName() {
        // Found reading parseListen for this class: hex digits and dots passed as a "literal" and
        // InetAddress.getByName sent them to DNS ("cafe.bad", "1.2.3.a"), as did a leading dot;
        // "1.2.3" was taken as 1.2.0.3. Refused now before any lookup could happen.
        for (String listen : List.of("cafe.bad:80", "1.2.3.a:80", "dead.beef.cafe:1", ".1:80", "1.2.3:80", ".:1:80")) {
            assertThatThrownBy(() -> Config.parseListen(listen, "Listen"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Listen: host must be a literal IP address or localhost in [" + listen + "]");
        }
    }

    @Provide
    Arbitrary<Written> files() {
        Arbitrary<InetSocketAddress> listen = Arbitraries.oneOf(
                Arbitraries.of("127.0.0.1", "0.0.0.0", "10.1.2.3", "[::1]", "[fd00::1]", "[::]"),
                Arbitraries.integers().between(0, 255).list().ofSize(4)
                        .map(o -> o.stream().map(String::valueOf).reduce((a, b) -> a + "." + b).orElseThrow()))
                .flatMap(host -> Arbitraries.integers().between(0, 65535)
                        .map(port -> Config.parseListen(host + ":" + port, "Listen")));
        Arbitrary<Duration> span = Arbitraries.longs().between(1, 10_000_000_000L).map(us -> Duration.ofNanos(us * 1000));
        Arbitrary<List<String>> hosts = Arbitraries.of("servd.lan", "a.b-c.example", "[fd00::1]", "10.0.0.1", "x")
                .list().ofMaxSize(3);
        return Builders.withBuilder(() -> new Written(Config.defaults().withHttpLimits(HttpLimits.defaults()),
                        "[HTTP]\n"))
                .use(listen).in((w, a) -> add(w, w.config().withHttpListen(a), "Listen=" + Config.format(a)))
                .use(Arbitraries.integers().between(1, 100_000))
                .in((w, n) -> add(w, w.config().withHttpLimits(w.config().httpLimits().withMaxConnections(n)),
                        "MaxConnections=" + n))
                .use(span).in((w, d) -> add(w, w.config().withHttpLimits(w.config().httpLimits().withIdleTimeout(d)),
                        "IdleTimeoutSec=" + new TimeSpan(d).format()))
                .use(span).in((w, d) -> add(w, w.config().withHttpLimits(w.config().httpLimits().withHeaderTimeout(d)),
                        "HeaderTimeoutSec=" + new TimeSpan(d).format()))
                .use(span).in((w, d) -> add(w, w.config().withHttpLimits(w.config().httpLimits().withReadTimeout(d)),
                        "ReadTimeoutSec=" + new TimeSpan(d).format()))
                .use(hosts).in((w, h) -> add(w, w.config().withHttpLimits(w.config().httpLimits().withAllowedHosts(h)),
                        "AllowedHosts=" + String.join(" ", h)))
                .use(Arbitraries.of(Preference.class))
                .in((w, p) -> add(w, w.config().withTransport(p), "[Agent]\nTransport=" + p.configValue()))
                .use(Arbitraries.of(Level.class)).in((w, l) -> add(w, with(w.config(), l), "[Log]\nLevel=" + Config.format(l)))
                .build(w -> new Written(withFile(w.config()), w.text()));
    }

    @Provide
    Arbitrary<String> nearMisses() {
        return NearMiss.of(files().map(Written::text));
    }

    private static Written add(Written w, Config config, String lines) {
        return new Written(config, w.text() + lines + "\n");
    }

    private static Config with(Config c, Level level) {
        return new Config(c.configFile(), c.httpListen(), c.transport(), c.drainTimeout(), level, c.tokenFile(),
                c.controlSocket(), c.controlGroup(), c.httpLimits());
    }

    private static Config withFile(Config c) {
        return new Config(FILE, c.httpListen(), c.transport(), c.drainTimeout(), c.logLevel(), c.tokenFile(),
                c.controlSocket(), c.controlGroup(), c.httpLimits());
    }
}
