package io.servd.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import io.servd.netpoll.Preference;
import org.slf4j.event.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigFileTest {
    private static final Path FILE = Path.of("/etc/servd/servd.conf");

    @TempDir
    Path dir;

    @Test
    void missingFileMeansDefaults() throws Exception {
        Path absent = dir.resolve("servd.conf");
        Config config = ConfigFile.load(absent, Config.defaults());
        assertThat(config.configFile()).isEqualTo(absent);
        assertThat(config.httpListen()).isEqualTo(Config.defaults().httpListen());
    }

    @Test
    void everyDirectiveIsRead() throws Exception {
        Config config = ConfigFile.parse(FILE, """
                # comments and blank lines as in unit files
                [HTTP]
                Listen=[::1]:9471
                TokenFile=/etc/servd/token

                [Agent]
                Transport=NIO
                DrainTimeoutSec=1min 30s
                [Log]
                Level=DEBUG
                [Control]
                Socket=/run/servd/ctl.sock
                Group=adm
                """, Config.defaults());
        assertThat(Config.format(config.httpListen())).isEqualTo("[0:0:0:0:0:0:0:1]:9471");
        assertThat(config.tokenFile()).contains(Path.of("/etc/servd/token"));
        assertThat(config.transport()).isEqualTo(Preference.NIO);
        assertThat(config.drainTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.logLevel()).isEqualTo(Level.DEBUG);
        assertThat(config.controlSocket()).isEqualTo(Path.of("/run/servd/ctl.sock"));
        assertThat(config.controlGroup()).isEqualTo("adm");
    }

    @Test
    void tokenCredentialIsReadAndReplacesADefaultTokenFile() throws Exception {
        Config withFile = ConfigFile.parse(FILE, "[HTTP]\nTokenFile=/etc/servd/token\n", Config.defaults());
        Config config = ConfigFile.parse(FILE, "[HTTP]\nTokenCredential=servd-token\n", withFile);
        assertThat(config.tokenCredential()).contains("servd-token");
        assertThat(config.tokenFile()).isEmpty();
        assertThat(Config.defaults().tokenCredential()).isEmpty();
    }

    @Test
    void httpLimitsAreRead() throws Exception {
        Config config = ConfigFile.parse(FILE, """
                [HTTP]
                MaxConnections=32
                IdleTimeoutSec=2min
                HeaderTimeoutSec=3s
                ReadTimeoutSec=500ms
                AllowedHosts=Servd.LAN  [fd00::1]
                """, Config.defaults());
        assertThat(config.httpLimits()).isEqualTo(new HttpLimits(32, Duration.ofMinutes(2), Duration.ofSeconds(3),
                Duration.ofMillis(500), List.of("servd.lan", "[fd00::1]")));
        assertThat(Config.defaults().httpLimits()).isEqualTo(HttpLimits.defaults());
    }

    @Test
    void pressureSettingsAreRead() throws Exception {
        Config config = ConfigFile.parse(FILE, """
                [Pressure]
                Trigger=full 100000 4000000
                HighWater=85%
                LowWater=60.5%
                QuietSec=30s
                RetryAfterSec=2s
                SampleSec=500ms
                ExemptPaths=/healthz  /readyz /metrics
                """, Config.defaults());
        assertThat(config.pressure()).isEqualTo(new PressureSettings(io.servd.cgroup.PsiTrigger.parse("full 100000 4000000"), 0.85, 0.605,
                Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofMillis(500),
                List.of("/healthz", "/readyz", "/metrics")));
        assertThat(Config.defaults().pressure()).isEqualTo(PressureSettings.defaults());
    }

    @Test
    void eventSettingsAreRead() throws Exception {
        Config config = ConfigFile.parse(FILE, """
                [Events]
                SampleSec=2s
                PressureThreshold=25%
                PressureClear=12.5%
                MaxFollowers=0
                HeartbeatSec=5s
                """, Config.defaults());
        assertThat(config.events()).isEqualTo(new EventSettings(Duration.ofSeconds(2), 25, 12.5, 0, Duration.ofSeconds(5)));
        assertThat(Config.defaults().events()).isEqualTo(EventSettings.defaults());
    }

    @Test
    void historySettingsAreRead() throws Exception {
        Config config = ConfigFile.parse(FILE, """
                [History]
                IntervalSec=10s
                RetentionSec=2d 12h
                MaxSize=1.5G
                Directory=/srv/servd/history
                """, Config.defaults());
        assertThat(config.history()).isEqualTo(new HistorySettings(Duration.ofSeconds(10), Duration.ofHours(60),
                io.servd.cgroup.ByteSize.ofMebibytes(1536), Optional.of(Path.of("/srv/servd/history"))));
        assertThat(Config.defaults().history()).isEqualTo(HistorySettings.defaults());
    }

    @Test
    void historyDirectoryDefaultsToTheStateDirectory() {
        HistorySettings d = HistorySettings.defaults();
        assertThat(d.directoryIn(java.util.Map.of("STATE_DIRECTORY", "/var/lib/servd:/var/lib/other")))
                .contains(Path.of("/var/lib/servd/history"));
        assertThat(d.directoryIn(java.util.Map.of())).isEmpty();
        assertThat(d.directoryIn(java.util.Map.of("STATE_DIRECTORY", "relative"))).isEmpty();
        assertThat(d.withDirectory(Path.of("/tmp/h")).directoryIn(java.util.Map.of("STATE_DIRECTORY", "/var/lib/servd")))
                .contains(Path.of("/tmp/h"));
    }

    @Test
    void theShippedFileIsAllDefaults() throws Exception {
        Path shipped = Path.of("../packaging/deb/src/deb/etc/servd.conf");
        Config config = ConfigFile.load(shipped, Config.defaults());
        assertThat(config).isEqualTo(new Config(shipped, Config.defaults().httpListen(), Preference.AUTO,
                Config.DEFAULT_DRAIN_TIMEOUT, Level.INFO, Optional.empty(), Config.DEFAULT_CONTROL_SOCKET, "servd"));
    }

    @Test
    void lastAssignmentWinsAndEmptyResetsToTheDefault() throws Exception {
        Config config = ConfigFile.parse(FILE, "[HTTP]\nListen=127.0.0.1:1\nListen=127.0.0.1:2\n[Log]\nLevel=debug\nLevel=\n",
                Config.defaults());
        assertThat(config.httpListen().getPort()).isEqualTo(2);
        assertThat(config.logLevel()).isEqualTo(Level.INFO);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # file content (\\n = newline)            | diagnostic fragment
        [HTTP]\\nListen=9470                       | /etc/servd/servd.conf:2: Listen: expected host:port, got [9470]: Listen=[9470]
        [HTTP]\\nListen=example.com:80             | host must be a literal IP address or localhost
        [Agent]\\nTransport=dpdk                   | servd.conf:2: unknown transport [dpdk]
        [Agent]\\nDrainTimeoutSec=soon             | servd.conf:2: expected a number: DrainTimeoutSec=[soon]
        [Log]\\nLevel=loud                         | servd.conf:2: expected one of [debug, error, info, trace, warn]: Level=[loud]
        [HTTP]\\nTokenFile=token                   | expected an absolute path: TokenFile=[token]
        [HTTP]\\nTokenCredential=a/b               | servd.conf:2: expected a credential name (a file name: no slash, not . or .., at most 255 bytes): TokenCredential=[a/b]
        [HTTP]\\nTokenCredential=..                | expected a credential name
        # two sources for one secret: which one counts would be a guess
        [HTTP]\\nTokenFile=/t\\nTokenCredential=t  | servd.conf:3: TokenFile= is set too: give one of TokenFile= and TokenCredential=: TokenCredential=[t]
        [HTTP]\\nListne=127.0.0.1:1                | servd.conf:2: unknown directive in [HTTP]: Listne=[127.0.0.1:1]
        [Htpp]\\nListen=127.0.0.1:1                | servd.conf:2: unknown section [Htpp]: Listen=[127.0.0.1:1]
        [HTTP]\\nMaxConnections=0                 | servd.conf:2: expected a positive integer, got [0]: MaxConnections=[0]
        [HTTP]\\nMaxConnections=lots              | expected a positive integer, got [lots]
        [HTTP]\\nHeaderTimeoutSec=0               | servd.conf:2: expected a positive time span: HeaderTimeoutSec=[0]
        [HTTP]\\nIdleTimeoutSec=soon              | servd.conf:2: expected a number: IdleTimeoutSec=[soon]
        [HTTP]\\nReadTimeoutSec=-1s               | ReadTimeoutSec=[-1s]
        [HTTP]\\nAllowedHosts=servd.lan:9470      | expected host names without port, got [servd.lan:9470]
        [HTTP]\\nAllowedHosts=a_b.lan             | AllowedHosts=[a_b.lan]
        [Pressure]\\nTrigger=some 150ms 2s        | servd.conf:2: expected a PSI trigger "some|full STALL_USEC WINDOW_USEC", got [some 150ms 2s]
        # a trigger the kernel would refuse is refused here, by servctl check too
        [Pressure]\\nTrigger=some 100000 200000  | servd.conf:2: PSI window must be 500ms to 10s, got [PT0.2S] in [some 100000 200000]
        [Pressure]\\nHighWater=0.9             | servd.conf:2: expected a percentage such as 90%: HighWater=[0.9]
        [Pressure]\\nHighWater=120%            | expected more than 0% and at most 100%: HighWater=[120%]
        # each value is fine, but low water must stay below high water or shedding would flap
        [Pressure]\\nHighWater=50%\\nLowWater=60% | servd.conf:3: expected 0% < LowWater= < HighWater= <= 100%, got low [0.6] high [0.5]: LowWater=[60%]
        [Pressure]\\nRetryAfterSec=1500ms      | servd.conf:2: expected whole seconds, at least 1s: RetryAfterSec=[1500ms]
        [Pressure]\\nExemptPaths=readyz        | expected absolute request paths without query, got [readyz]
        [Metrics]\\nUnits=*.service foo[.slice | servd.conf:2: unclosed [ in pattern in [foo[.slice]: Units=[*.service foo[.slice]
        [Metrics]\\nExcludeUnits=a/b.service     | servd.conf:2: character [/] cannot occur in a unit name in [a/b.service]: ExcludeUnits=[a/b.service]
        [Metrics]\\nUnits=[z-a].service          | servd.conf:2: invalid range in a [class] in [[z-a].service]
        [Metrics]\\nUnit=*.service               | servd.conf:2: unknown directive in [Metrics]: Unit=[*.service]
        [Events]\\nPressureThreshold=ten      | servd.conf:2: expected a percentage such as 90%: PressureThreshold=[ten]
        [Events]\\nPressureClear=20%          | servd.conf:2: expected PressureClear= [20.0%] below PressureThreshold= [10.0%]: PressureClear=[20%]
        [Events]\\nMaxFollowers=-1            | servd.conf:2: expected a whole number from 0 to 999999: MaxFollowers=[-1]
        [Events]\\nSampleSec=0                | servd.conf:2: expected a positive time span: SampleSec=[0]
        [History]\\nIntervalSec=500ms         | servd.conf:2: expected a time span of at least 1s: IntervalSec=[500ms]
        [History]\\nIntervalSec=fast          | servd.conf:2: expected a number: IntervalSec=[fast]
        [History]\\nMaxSize=100K              | servd.conf:2: expected a size of at least 1M: MaxSize=[100K]
        [History]\\nMaxSize=10%               | servd.conf:2: not a size: MaxSize=[10%]
        [History]\\nDirectory=history         | servd.conf:2: expected an absolute path: Directory=[history]
        # each value is fine, but samples would be deleted before the next one is written
        [History]\\nIntervalSec=1min\\nRetentionSec=30s | servd.conf:3: expected RetentionSec= [30s] at least IntervalSec= [1min]: RetentionSec=[30s]
        [History]\\nRetention=7d              | servd.conf:2: unknown directive in [History]: Retention=[7d]
        # an assignment outside any section
        Listen=127.0.0.1:1                        | servd.conf:1:
        """)
    void problemsRejectTheWholeFileNamingFileLineAndValue(String content, String fragment) {
        assertThatThrownBy(() -> ConfigFile.parse(FILE, content.replace("\\n", "\n"), Config.defaults()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("[/etc/servd/servd.conf] has ")
                .hasMessageContaining(fragment);
    }

    @Test
    void everyProblemIsListedNotJustTheFirst() {
        assertThatThrownBy(() -> ConfigFile.parse(FILE, "[HTTP]\nListen=x\n[Log]\nLevel=y\n", Config.defaults()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.diagnostics()).hasSize(2))
                .hasMessageContaining("has 2 problem(s)");
    }

    @Test
    void unreadableFileIsAnErrorNotDefaults() throws Exception {
        Path directory = Files.createDirectory(dir.resolve("servd.conf"));
        assertThatThrownBy(() -> ConfigFile.load(directory, Config.defaults()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cannot read [" + directory + "]");
    }
}
