package io.servd.agent;

import io.servd.agent.config.Config;
import io.servd.netpoll.Preference;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * servd's command line: three options, {@code --help} and {@code --version}, each option as
 * {@code --name VALUE} or {@code --name=VALUE}, given at most once. Hand-written rather than picocli
 * (which servctl keeps for its commands): picocli's annotation model cost 0.32 s of servd's 1.5 s of
 * CPU from exec to READY on the build host (its 170 classes, reflection over the annotations, the
 * help model built before parsing) and 6 of the 56 s under TCG on the test bed.
 *
 * @param configFile the configuration file, read when it exists
 * @param listen     the HTTP listen address when not socket-activated, if given
 * @param transport  the event-loop transport, if given
 * @param action     what to do: run, or print help or the version and exit 0
 */
record ServdArguments(Path configFile, Optional<InetSocketAddress> listen, Optional<Preference> transport, Action action) {

    enum Action { RUN, HELP, VERSION }

    static final String USAGE = """
            Usage: servd [-hV] [--config=FILE] [--listen=HOST:PORT] [--transport=NAME]
            servd agent: every unit's cgroup usage against its limits, over HTTP.
                  --config=FILE        configuration file, read when it exists (default: %s)
                  --listen=HOST:PORT   HTTP listen address when not socket-activated (default: 127.0.0.1:9470)
                  --transport=NAME     event-loop transport: auto, epoll, io_uring, kqueue or nio (default: auto)
              -h, --help               Show this help message and exit.
              -V, --version            Print version information and exit.
            """.formatted(Config.DEFAULT_CONFIG_FILE);

    /** A command-line error: the message names the argument and, where one was given, its value. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /**
     * Parses {@code args}; {@code --help} or {@code --version} anywhere wins over the rest.
     *
     * @throws UsageException for an unknown or repeated option, a missing or malformed value, or a
     *                        positional argument
     */
    static ServdArguments parse(String... args) throws UsageException {
        Path configFile = null;
        InetSocketAddress listen = null;
        Preference transport = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-h", "--help" -> {
                    return defaults(Action.HELP);
                }
                case "-V", "--version" -> {
                    return defaults(Action.VERSION);
                }
                default -> {
                    int eq = arg.indexOf('=');
                    String name = eq < 0 ? arg : arg.substring(0, eq);
                    if (!name.equals("--config") && !name.equals("--listen") && !name.equals("--transport")) {
                        throw new UsageException(arg.startsWith("-")
                                ? "Unknown option: '" + arg + "'"
                                : "Unmatched argument: '" + arg + "' (servd takes no arguments, only options)");
                    }
                    String value;
                    if (eq >= 0) {
                        value = arg.substring(eq + 1);
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new UsageException("Missing required parameter for option '" + name + "'");
                    }
                    try {
                        switch (name) {
                            case "--config" -> configFile = once(name, configFile, Path.of(value));
                            case "--listen" -> listen = once(name, listen, Config.parseListen(value, "--listen"));
                            default -> transport = once(name, transport, Preference.parse(value));
                        }
                    } catch (IllegalArgumentException e) { // the message names the value
                        throw new UsageException("Invalid value for option '" + name + "': " + e.getMessage());
                    }
                }
            }
        }
        return new ServdArguments(configFile == null ? Config.DEFAULT_CONFIG_FILE : configFile,
                Optional.ofNullable(listen), Optional.ofNullable(transport), Action.RUN);
    }

    private static ServdArguments defaults(Action action) {
        return new ServdArguments(Config.DEFAULT_CONFIG_FILE, Optional.empty(), Optional.empty(), action);
    }

    private static <T> T once(String name, T previous, T value) throws UsageException {
        if (previous != null) {
            throw new UsageException("option '" + name + "' should be specified only once");
        }
        return value;
    }
}
