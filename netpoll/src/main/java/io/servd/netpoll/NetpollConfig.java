package io.servd.netpoll;

import java.util.Map;
import java.util.Objects;

/**
 * The settings of this module, built by the caller: nothing in {@code netpoll} reads system
 * properties or the environment itself.
 *
 * @param transport the transport preference, usually from the service's configuration file
 * @param sizing    how many event-loop threads an effective CPU limit yields
 */
public record NetpollConfig(Preference transport, LoopSizing sizing) {
    /**
     * Kill switch: a JVM system property that overrides the configured transport, e.g.
     * {@code -Dservd.netpoll.transport=nio} to get off a misbehaving native transport without editing
     * the configuration. Read only by {@link #withSystemProperties(Map)}.
     */
    public static final String TRANSPORT_PROPERTY = "servd.netpoll.transport";

    public NetpollConfig {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(sizing, "sizing");
    }

    /** {@code auto} transport and {@link LoopSizing#defaults()}. */
    public static NetpollConfig defaults() {
        return new NetpollConfig(Preference.AUTO, LoopSizing.defaults());
    }

    /** A copy with another transport preference. */
    public NetpollConfig withTransport(Preference preference) {
        return new NetpollConfig(preference, sizing);
    }

    /**
     * Applies the {@link #TRANSPORT_PROPERTY} kill switch, if present, over the configured transport.
     *
     * @param systemProperties the JVM's system properties, passed in by {@code main}
     * @throws IllegalArgumentException if the property holds an unknown transport (named)
     */
    public NetpollConfig withSystemProperties(Map<String, String> systemProperties) {
        String forced = systemProperties.get(TRANSPORT_PROPERTY);
        if (forced == null || forced.isBlank()) {
            return this;
        }
        try {
            return withTransport(Preference.parse(forced));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + TRANSPORT_PROPERTY + ": " + e.getMessage(), e);
        }
    }
}
