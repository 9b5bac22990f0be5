package io.servd.agent;

import io.servd.agent.config.Config;
import io.servd.agent.config.ConfigFile;
import io.servd.agent.config.ConfigSource;
import io.servd.netpoll.Preference;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Map;
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
@Command(name = "servd", mixinStandardHelpOptions = true, versionProvider = ServdMain.Version.class,
        description = "servd agent: every unit's cgroup usage against its limits, over HTTP.")
public final class ServdMain implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE",
            description = "configuration file, read when it exists (default: ${DEFAULT-VALUE})")
    Path configFile = Config.DEFAULT_CONFIG_FILE;

    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = "HTTP listen address when not socket-activated (default: 127.0.0.1:9470)")
    String listen;

    @Option(names = "--transport", paramLabel = "NAME",
            description = "event-loop transport: auto, epoll, io_uring, kqueue or nio (default: auto)")
    String transport;

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
        Optional<InetSocketAddress> listenOverride;
        try {
            listenOverride = Optional.ofNullable(listen).map(value -> Config.parseListen(value, "--listen"));
            Optional.ofNullable(transport).ifPresent(Preference::parse);
        } catch (IllegalArgumentException e) {
            System.err.println("servd: " + e.getMessage());
            return 2;
        }
        // Flags win over the file, at start-up and at every reload.
        ConfigSource source = () -> {
            Config config = ConfigFile.load(configFile, Config.defaults());
            config = listenOverride.map(config::withHttpListen).orElse(config);
            return transport == null ? config : config.withTransport(transport);
        };
        return new Servd(source, env, pid).run();
    }

    /** The version from the jar manifest ({@code Implementation-Version}), "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        static String current() {
            String v = ServdMain.class.getPackage().getImplementationVersion();
            return v == null ? "dev" : v;
        }

        @Override
        public String[] getVersion() {
            return new String[] {"servd " + current()};
        }
    }
}
