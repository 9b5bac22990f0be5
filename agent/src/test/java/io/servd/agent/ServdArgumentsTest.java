package io.servd.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servd.agent.ServdArguments.Action;
import io.servd.agent.ServdArguments.UsageException;
import io.servd.agent.config.Config;
import io.servd.netpoll.Preference;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServdArgumentsTest {

    @Test
    void noArgumentsRunWithTheDefaults() throws UsageException {
        ServdArguments parsed = ServdArguments.parse();
        assertThat(parsed.action()).isEqualTo(Action.RUN);
        assertThat(parsed.configFile()).isEqualTo(Config.DEFAULT_CONFIG_FILE);
        assertThat(parsed.listen()).isEmpty();
        assertThat(parsed.transport()).isEmpty();
    }

    @Test
    void optionsTakeTheirValueAfterASpaceOrAnEqualsSign() throws UsageException {
        ServdArguments parsed = ServdArguments.parse("--config", "/tmp/s.conf", "--listen=127.0.0.1:9471", "--transport", "nio");
        assertThat(parsed.configFile()).isEqualTo(Path.of("/tmp/s.conf"));
        assertThat(parsed.listen()).contains(new InetSocketAddress("127.0.0.1", 9471));
        assertThat(parsed.transport()).contains(Preference.parse("nio"));
        // an empty value after '=' is a value, and the parser of that option judges it
        assertThat(ServdArguments.parse("--config=").configFile()).isEqualTo(Path.of(""));
    }

    @Test
    void helpAndVersionWinWhereverTheyStand() throws UsageException {
        assertThat(ServdArguments.parse("--listen", "127.0.0.1:1", "-h").action()).isEqualTo(Action.HELP);
        assertThat(ServdArguments.parse("--help").action()).isEqualTo(Action.HELP);
        assertThat(ServdArguments.parse("-V").action()).isEqualTo(Action.VERSION);
        assertThat(ServdArguments.parse("--version", "--bogus").action()).isEqualTo(Action.VERSION);
    }

    @Test
    void errorsNameTheArgumentAndTheValue() {
        assertThatThrownBy(() -> ServdArguments.parse("--bogus")).isInstanceOf(UsageException.class)
                .hasMessage("Unknown option: '--bogus'");
        assertThatThrownBy(() -> ServdArguments.parse("--listen")).isInstanceOf(UsageException.class)
                .hasMessage("Missing required parameter for option '--listen'");
        assertThatThrownBy(() -> ServdArguments.parse("serve")).isInstanceOf(UsageException.class)
                .hasMessageStartingWith("Unmatched argument: 'serve'");
        assertThatThrownBy(() -> ServdArguments.parse("--listen", "nohost")).isInstanceOf(UsageException.class)
                .hasMessageStartingWith("Invalid value for option '--listen': ").hasMessageContaining("nohost");
        assertThatThrownBy(() -> ServdArguments.parse("--transport=carrier-pigeon")).isInstanceOf(UsageException.class)
                .hasMessageStartingWith("Invalid value for option '--transport': ").hasMessageContaining("carrier-pigeon");
        assertThatThrownBy(() -> ServdArguments.parse("--config", "a", "--config=b")).isInstanceOf(UsageException.class)
                .hasMessage("option '--config' should be specified only once");
    }

    @Test
    void mainPrintsHelpVersionAndErrorsWithTheirExitCodes() {
        assertThat(captured(true, () -> assertThat(ServdMain.run(new String[] {"--help"}, Map.of(), 1)).isZero()))
                .startsWith("Usage: servd [-hV]").contains("--transport=NAME", Config.DEFAULT_CONFIG_FILE.toString());
        assertThat(captured(true, () -> assertThat(ServdMain.run(new String[] {"-V"}, Map.of(), 1)).isZero()))
                .isEqualTo("servd " + Version.current() + System.lineSeparator());
        assertThat(captured(false, () -> assertThat(ServdMain.run(new String[] {"--listen=x:y"}, Map.of(), 1)).isEqualTo(2)))
                .startsWith("Invalid value for option '--listen': ").contains("Usage: servd");
    }

    private static String captured(boolean stdout, Runnable run) {
        PrintStream saved = stdout ? System.out : System.err;
        var bytes = new ByteArrayOutputStream();
        try (var stream = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            if (stdout) {
                System.setOut(stream);
            } else {
                System.setErr(stream);
            }
            run.run();
        } finally {
            if (stdout) {
                System.setOut(saved);
            } else {
                System.setErr(saved);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
