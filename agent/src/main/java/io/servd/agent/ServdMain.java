package io.servd.agent;

import io.servd.agent.config.Config;
import io.servd.agent.config.ConfigFile;
import io.servd.agent.config.ConfigSource;
import io.servd.netpoll.Preference;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code servd}: the agent in the foreground. The only place that reads the process environment
 * and pid; everything below takes them as parameters.
 *
 * <p>Exit codes: 0 after a clean stop (SIGTERM, SIGINT); 1 when start-up fails (the reason is
 * the last log line: configuration, socket activation, transport, bind, READY); 2 for a
 * command-line error.
 */
@Command(name = "servd", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "servd agent: every unit's cgroup usage against its limits, over HTTP.")
public final class ServdMain implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE",
            description = "configuration file, read when it exists (default: ${DEFAULT-VALUE})")
    Path configFile = Config.DEFAULT_CONFIG_FILE;

    @Option(names = "--listen", paramLabel = "HOST:PORT", converter = ListenConverter.class,
            description = "HTTP listen address when not socket-activated (default: 127.0.0.1:9470)")
    Optional<InetSocketAddress> listen = Optional.empty();

    @Option(names = "--transport", paramLabel = "NAME", converter = TransportConverter.class,
            description = "event-loop transport: auto, epoll, io_uring, kqueue or nio (default: auto)")
    Optional<Preference> transport = Optional.empty();

    private final Map<String, String> env;
    private final long pid;

    ServdMain(Map<String, String> env, long pid) {
        this.env = env;
        this.pid = pid;
    }

    public static void main(String[] args) {
        var command = new CommandLine(new ServdMain(System.getenv(), ProcessHandle.current().pid()));
        System.exit(command.execute(args));
    }

    @Override
    public Integer call() {
        // Flags win over the file, at start-up and at every reload.
        ConfigSource source = () -> {
            Config config = ConfigFile.load(configFile, Config.defaults());
            config = listen.map(config::withHttpListen).orElse(config);
            return transport.map(config::withTransport).orElse(config);
        };
        return new Servd(source, env, pid).run();
    }

    /** {@code --listen}: {@link Config#parseListen}, so the flag and {@code [HTTP] Listen=} accept the same. */
    static final class ListenConverter implements CommandLine.ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            try {
                return Config.parseListen(value, "--listen");
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage()); // exit 2, the message names the value
            }
        }
    }

    /** {@code --transport}: {@link Preference#parse}, as {@code [Agent] Transport=}. */
    static final class TransportConverter implements CommandLine.ITypeConverter<Preference> {
        @Override
        public Preference convert(String value) {
            try {
                return Preference.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
