package io.servd.agent.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What one client of the HTTP API may cost before it has proven anything (DESIGN §6: every listener
 * is bounded). The defaults are sized for servd's clients — servctl, one Prometheus scraper, a browser
 * tab; the connection cap is further bounded by the JVM's direct memory at start-up.
 *
 * @param maxConnections most HTTP connections open at once (at most; the agent serves fewer when its
 *                       direct memory holds fewer); one more is answered {@code 503} with
 *                       {@code Retry-After} and closed; {@code [HTTP] MaxConnections=}
 * @param idleTimeout    a connection that neither reads nor writes for this long is closed (keep-alive
 *                       between requests, or a stalled handler); {@code [HTTP] IdleTimeoutSec=}
 * @param headerTimeout  a request head must be complete within this long of its first byte (of the
 *                       connection's start for the first request), else {@code 408} and close;
 *                       {@code [HTTP] HeaderTimeoutSec=}
 * @param readTimeout    while a request body is being read, a peer that sends nothing for this long
 *                       gets {@code 408} and is closed; {@code [HTTP] ReadTimeoutSec=}
 * @param allowedHosts   {@code Host} names accepted besides {@code localhost}, {@code 127.0.0.1},
 *                       {@code [::1]} and the listen address while listening on loopback (DNS rebinding);
 *                       lower case, without port; {@code [HTTP] AllowedHosts=}
 */
public record HttpLimits(int maxConnections, Duration idleTimeout, Duration headerTimeout, Duration readTimeout,
                         List<String> allowedHosts) {
    /**
     * Far more connections than servd's clients open. Each holds up to 57 KiB of direct memory (32 KiB
     * reading: request line, headers, body and one read buffer; 25 KiB writing: the write-buffer
     * high-water mark and one piece of a reply), so 256 need 14.3 MiB: at start-up the agent lowers
     * the cap to what {@code -XX:MaxDirectMemorySize} holds (servd-java gives 4 MiB at
     * {@code MemoryMax=64M}, 12 MiB at 192M) and says so in one line.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    /** Outlasts a 30 s scrape interval and servctl top's refresh; an idle keep-alive costs a slot and an fd. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /**
     * A head is at most 12 KiB, which any client sends in one write; 10 s is generous for a person at
     * a terminal and evicts a slowloris holding a slot with a half-sent head within 10 s (Go servers
     * commonly set ReadHeaderTimeout to the same).
     */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    /** A body is at most 4 KiB: a peer that stalls 10 s in the middle of one is not coming back. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

    // RFC 1123 host names and IPv4 literals; IPv6 literals in brackets as in a Host header.
    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
    private static final Pattern IPV6_LITERAL = Pattern.compile("\\[[0-9a-f:.]+]");

    public HttpLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max connections must be at least 1, got [" + maxConnections + "]");
        }
        requirePositive(idleTimeout, "idle timeout");
        requirePositive(headerTimeout, "header timeout");
        requirePositive(readTimeout, "read timeout");
        allowedHosts = List.copyOf(allowedHosts);
        for (String host : allowedHosts) {
            if (!isHostName(host)) {
                throw new IllegalArgumentException("not a lower-case host name without port [" + host + "]");
            }
        }
    }

    public static HttpLimits defaults() {
        return new HttpLimits(DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT, DEFAULT_HEADER_TIMEOUT,
                DEFAULT_READ_TIMEOUT, List.of());
    }

    public HttpLimits withMaxConnections(int max) {
        return new HttpLimits(max, idleTimeout, headerTimeout, readTimeout, allowedHosts);
    }

    public HttpLimits withIdleTimeout(Duration timeout) {
        return new HttpLimits(maxConnections, timeout, headerTimeout, readTimeout, allowedHosts);
    }

    public HttpLimits withHeaderTimeout(Duration timeout) {
        return new HttpLimits(maxConnections, idleTimeout, timeout, readTimeout, allowedHosts);
    }

    public HttpLimits withReadTimeout(Duration timeout) {
        return new HttpLimits(maxConnections, idleTimeout, headerTimeout, timeout, allowedHosts);
    }

    public HttpLimits withAllowedHosts(List<String> hosts) {
        return new HttpLimits(maxConnections, idleTimeout, headerTimeout, readTimeout, hosts);
    }

    /**
     * Parses {@code AllowedHosts=}: host names separated by white space, in any case (stored lower case).
     *
     * @throws IllegalArgumentException naming the first bad name
     */
    public static List<String> parseAllowedHosts(String value) {
        return java.util.Arrays.stream(value.strip().split("\\s+"))
                .filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT))
                .peek(s -> {
                    if (!isHostName(s)) {
                        throw new IllegalArgumentException("expected host names without port, got [" + s + "]");
                    }
                })
                .toList();
    }

    /**
     * Parses a connection count as {@code MaxConnections=} takes it: a positive decimal integer.
     *
     * @throws IllegalArgumentException naming the value
     */
    public static int parseMaxConnections(String value) {
        int n;
        try {
            n = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a positive integer, got [" + value + "]");
        }
        if (n < 1) {
            throw new IllegalArgumentException("expected a positive integer, got [" + value + "]");
        }
        return n;
    }

    private static boolean isHostName(String host) {
        return host.length() <= 253 && (HOST_NAME.matcher(host).matches() || IPV6_LITERAL.matcher(host).matches());
    }

    private static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, got [" + d + "]");
        }
    }
}
