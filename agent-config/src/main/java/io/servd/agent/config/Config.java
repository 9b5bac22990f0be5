package io.servd.agent.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import io.servd.netpoll.Preference;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.event.Level;

/**
 * servd's effective configuration: the embedded defaults, overridden by {@code servd.conf}, overridden
 * by command-line flags. The only place where defaults live.
 *
 * @param configFile    where the configuration file is looked for (absent is normal)
 * @param httpListen    address of the HTTP API when servd binds it itself (not socket-activated);
 *                      {@code [HTTP] Listen=}; changes live on reload
 * @param transport     event-loop transport; {@code [Agent] Transport=}; a change needs a restart
 * @param drainTimeout  how long SIGTERM waits for in-flight requests before closing them;
 *                      {@code [Agent] DrainTimeoutSec=}; changes live on reload
 * @param logLevel      root log level; {@code [Log] Level=} ({@code error}, {@code warn}, {@code info},
 *                      {@code debug} or {@code trace}); changes live on reload
 * @param tokenFile     file holding the bearer token that allows HTTP writes; empty: HTTP is read-only
 *                      (unless {@code tokenCredential} is set); {@code [HTTP] TokenFile=}; mode 0600 or
 *                      stricter, at least 32 bytes; read at start, checked again on reload
 * @param controlSocket path of the control socket when servd binds it itself; {@code [Control] Socket=}
 * @param controlGroup  group whose members may write through the control socket (root always may);
 *                      {@code [Control] Group=}
 * @param httpLimits    connection cap, timeouts and accepted Host names of the HTTP listener
 *                      ({@code [HTTP] MaxConnections=}, {@code IdleTimeoutSec=}, {@code HeaderTimeoutSec=},
 *                      {@code ReadTimeoutSec=}, {@code AllowedHosts=}); restart
 * @param tokenCredential name of the systemd credential holding the bearer token, read from
 *                      {@code $CREDENTIALS_DIRECTORY/<name>} ({@code LoadCredential=<name>:/etc/servd/token}
 *                      in the unit); {@code [HTTP] TokenCredential=}; never set together with {@code tokenFile}
 * @param pressure      giving memory back and shedding load under memory pressure ({@code [Pressure]}); restart
 * @param metrics       which units {@code /metrics} reports ({@code [Metrics] Units=}, {@code ExcludeUnits=}); restart
 * @param events        unit events: sampling, PSI threshold, followers ({@code [Events]}); restart
 * @param history       recording every unit to disk: interval, retention, size cap, directory ({@code [History]}); restart
 */
public record Config(Path configFile, InetSocketAddress httpListen, Preference transport, Duration drainTimeout,
                     Level logLevel, Optional<Path> tokenFile, Path controlSocket, String controlGroup,
                     HttpLimits httpLimits, Optional<String> tokenCredential, PressureSettings pressure,
                     MetricsSettings metrics, EventSettings events, HistorySettings history) {
    public static final Path DEFAULT_CONFIG_FILE = Path.of("/etc/servd/servd.conf");
    public static final int DEFAULT_HTTP_PORT = 9470;
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    public static final Path DEFAULT_CONTROL_SOCKET = Path.of("/run/servd/control.sock");

    public Config {
        Objects.requireNonNull(configFile, "configFile");
        Objects.requireNonNull(httpListen, "httpListen");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("negative drain timeout [" + drainTimeout + "]");
        }
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(tokenFile, "tokenFile");
        Objects.requireNonNull(controlSocket, "controlSocket");
        Objects.requireNonNull(controlGroup, "controlGroup");
        Objects.requireNonNull(httpLimits, "httpLimits");
        Objects.requireNonNull(tokenCredential, "tokenCredential");
        Objects.requireNonNull(pressure, "pressure");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(history, "history");
        if (tokenFile.isPresent() && tokenCredential.isPresent()) {
            throw new IllegalArgumentException("a token file [" + tokenFile.get() + "] and a token credential ["
                    + tokenCredential.get() + "]: give one");
        }
    }

    /** A configuration with the default {@code [History]} settings. */
    public Config(Path configFile, InetSocketAddress httpListen, Preference transport, Duration drainTimeout,
                  Level logLevel, Optional<Path> tokenFile, Path controlSocket, String controlGroup,
                  HttpLimits httpLimits, Optional<String> tokenCredential, PressureSettings pressure,
                  MetricsSettings metrics, EventSettings events) {
        this(configFile, httpListen, transport, drainTimeout, logLevel, tokenFile, controlSocket, controlGroup,
                httpLimits, tokenCredential, pressure, metrics, events, HistorySettings.defaults());
    }

    /** A configuration with the default {@code [Metrics]} (every unit) and {@code [Events]} settings. */
    public Config(Path configFile, InetSocketAddress httpListen, Preference transport, Duration drainTimeout,
                  Level logLevel, Optional<Path> tokenFile, Path controlSocket, String controlGroup,
                  HttpLimits httpLimits, Optional<String> tokenCredential, PressureSettings pressure) {
        this(configFile, httpListen, transport, drainTimeout, logLevel, tokenFile, controlSocket, controlGroup,
                httpLimits, tokenCredential, pressure, MetricsSettings.defaults(), EventSettings.defaults());
    }

    /** A configuration with the default {@code [Pressure]} settings. */
    public Config(Path configFile, InetSocketAddress httpListen, Preference transport, Duration drainTimeout,
                  Level logLevel, Optional<Path> tokenFile, Path controlSocket, String controlGroup,
                  HttpLimits httpLimits, Optional<String> tokenCredential) {
        this(configFile, httpListen, transport, drainTimeout, logLevel, tokenFile, controlSocket, controlGroup,
                httpLimits, tokenCredential, PressureSettings.defaults());
    }

    /** A configuration without a token credential. */
    public Config(Path configFile, InetSocketAddress httpListen, Preference transport, Duration drainTimeout,
                  Level logLevel, Optional<Path> tokenFile, Path controlSocket, String controlGroup,
                  HttpLimits httpLimits) {
        this(configFile, httpListen, transport, drainTimeout, logLevel, tokenFile, controlSocket, controlGroup,
                httpLimits, Optional.empty());
    }

    /** A configuration with the default HTTP limits. */
    public Config(Path configFile, InetSocketAddress httpListen, Preference transport, Duration drainTimeout,
                  Level logLevel, Optional<Path> tokenFile, Path controlSocket, String controlGroup) {
        this(configFile, httpListen, transport, drainTimeout, logLevel, tokenFile, controlSocket, controlGroup,
                HttpLimits.defaults());
    }

    /** The embedded defaults: loopback port 9470, automatic transport, INFO, read-only HTTP. */
    public static Config defaults() {
        return new Config(DEFAULT_CONFIG_FILE, new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_HTTP_PORT),
                Preference.AUTO, DEFAULT_DRAIN_TIMEOUT, Level.INFO, Optional.empty(), DEFAULT_CONTROL_SOCKET, "servd");
    }

    public Config withHttpListen(InetSocketAddress address) {
        return new Config(configFile, address, transport, drainTimeout, logLevel, tokenFile, controlSocket, controlGroup,
                httpLimits, tokenCredential, pressure, metrics, events, history);
    }

    public Config withHttpLimits(HttpLimits limits) {
        return new Config(configFile, httpListen, transport, drainTimeout, logLevel, tokenFile, controlSocket,
                controlGroup, limits, tokenCredential, pressure, metrics, events, history);
    }

    public Config withTransport(Preference preference) {
        return new Config(configFile, httpListen, preference, drainTimeout, logLevel, tokenFile, controlSocket,
                controlGroup, httpLimits, tokenCredential, pressure, metrics, events, history);
    }

    public Config withPressure(PressureSettings settings) {
        return new Config(configFile, httpListen, transport, drainTimeout, logLevel, tokenFile, controlSocket,
                controlGroup, httpLimits, tokenCredential, settings, metrics, events, history);
    }

    public Config withMetrics(MetricsSettings settings) {
        return new Config(configFile, httpListen, transport, drainTimeout, logLevel, tokenFile, controlSocket,
                controlGroup, httpLimits, tokenCredential, pressure, settings, events, history);
    }

    public Config withEvents(EventSettings settings) {
        return new Config(configFile, httpListen, transport, drainTimeout, logLevel, tokenFile, controlSocket,
                controlGroup, httpLimits, tokenCredential, pressure, metrics, settings, history);
    }

    public Config withHistory(HistorySettings settings) {
        return new Config(configFile, httpListen, transport, drainTimeout, logLevel, tokenFile, controlSocket,
                controlGroup, httpLimits, tokenCredential, pressure, metrics, events, settings);
    }

    /**
     * Parses a systemd credential name as {@code [HTTP] TokenCredential=} takes it: a file name in
     * {@code $CREDENTIALS_DIRECTORY} (systemd's {@code credential_name_valid()}: not empty, no {@code /},
     * not {@code .} or {@code ..}, at most 255 bytes).
     *
     * @throws IllegalArgumentException saying what is wrong (the caller's diagnostic names the value)
     */
    public static String parseCredentialName(String value) {
        if (value.contains("/") || value.equals(".") || value.equals("..")
                || value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("expected a credential name (a file name: no slash, not . or .., at most 255 bytes)");
        }
        return value;
    }

    /**
     * Parses a log level as {@code [Log] Level=} takes it: {@code error}, {@code warn}, {@code info},
     * {@code debug} or {@code trace}, in any case.
     *
     * @throws IllegalArgumentException naming the accepted values (the caller's diagnostic names the value)
     */
    public static Level parseLogLevel(String value) {
        for (Level level : Level.values()) {
            if (level.name().equalsIgnoreCase(value)) {
                return level;
            }
        }
        throw new IllegalArgumentException("expected one of "
                + Arrays.stream(Level.values()).map(Config::format).sorted().toList());
    }

    /** A log level as servd.conf spells it: {@code info}. */
    public static String format(Level level) {
        return level.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code host:port}, {@code [v6]:port} or {@code :port} (loopback) into a socket address
     * without a DNS lookup: only literal addresses and {@code localhost} are accepted.
     *
     * @param origin where the value came from, for the error message (e.g. {@code --listen})
     * @throws IllegalArgumentException naming the value and its origin
     */
    public static InetSocketAddress parseListen(String value, String origin) {
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(origin + ": expected host:port, got [" + value + "]");
        }
        String host = value.substring(0, colon);
        String portText = value.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(origin + ": port is not a number in [" + value + "]");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(origin + ": port out of range 0-65535 in [" + value + "]");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || host.equals("localhost")) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        }
        if (!isLiteral(host)) {
            throw new IllegalArgumentException(origin + ": host must be a literal IP address or localhost in [" + value + "]");
        }
        try {
            if (!host.contains(":")) {
                return new InetSocketAddress(InetAddress.getByAddress(ipv4(host)), port);
            }
            // An IPv6 literal: getByName parses it, or refuses one with a colon, without a lookup.
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException(origin + ": not an IP address in [" + value + "]");
        }
    }

    /**
     * Whether {@code host} is written as an IP literal: dotted decimal, or ASCII hex digits, dots and
     * colons with a colon, starting with a digit or a colon (what getByName parses without resolving).
     * Hex digits and dots alone are a name ({@code cafe.bad}), which getByName would look up in DNS.
     */
    private static boolean isLiteral(String host) {
        if (!host.contains(":")) {
            return host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        }
        return host.chars().allMatch(c -> c < 128 && Character.digit(c, 16) >= 0 || c == '.' || c == ':')
                && (host.charAt(0) == ':' || Character.digit(host.charAt(0), 16) >= 0);
    }

    /** The four bytes of a dotted-decimal address ({@link #isLiteral} checked its shape). */
    private static byte[] ipv4(String host) throws UnknownHostException {
        String[] parts = host.split("\\.");
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = Integer.parseInt(parts[i]);
            if (octet > 255) {
                throw new UnknownHostException(host);
            }
            address[i] = (byte) octet;
        }
        return address;
    }

    /** {@code host:port} as servd prints it, with IPv6 in brackets. */
    public static String format(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
