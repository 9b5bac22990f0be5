package io.servd.agent;

/**
 * How many connections each listener serves at once so that, together, they fit the JVM's direct
 * memory: each connection may hold {@code connectionBytes} of it (the agent's is
 * {@link io.servd.agent.http.HttpApi#CONNECTION_DIRECT_BYTES}), an eighth is left to whatever else
 * allocates direct memory (the JDK's temporary buffers for channel I/O on heap buffers, Netty's own),
 * a quarter of the rest — at least {@link #MIN_CONTROL} — goes to the control socket, an operator's
 * way in while HTTP is at its cap, and HTTP gets what remains. Neither is ever above its configured
 * cap; HTTP gets at least one connection, so a direct memory too small for
 * {@code 1 + MIN_CONTROL} connections is overcommitted rather than serving nothing.
 *
 * @param http    most HTTP connections open at once
 * @param control most control-socket connections open at once
 */
record ConnectionBudget(int http, int control) {
    /** One part in this many of direct memory is left to other users. */
    static final int RESERVE_SHARE = 8;
    /** The control socket gets one part in this many of the connections that fit. */
    static final int CONTROL_SHARE = 4;
    /** The fewest control connections kept: servctl opens one per command, an operator needs a few. */
    static final int MIN_CONTROL = 4;

    ConnectionBudget {
        if (http < 1 || control < 1) {
            throw new IllegalArgumentException("connection caps must be positive, got http [" + http
                    + "] control [" + control + "]");
        }
    }

    /**
     * The caps for {@code maxDirectBytes} of direct memory.
     *
     * @param maxDirectBytes  the JVM's direct memory limit, in bytes ({@code -XX:MaxDirectMemorySize},
     *                        else the heap's maximum, as Netty's {@code PlatformDependent.maxDirectMemory()})
     * @param httpCap         {@code [HTTP] MaxConnections=}
     * @param controlCap      the control socket's own cap
     * @param connectionBytes most direct memory one connection holds, in bytes
     */
    static ConnectionBudget of(long maxDirectBytes, int httpCap, int controlCap, int connectionBytes) {
        if (connectionBytes < 1) {
            throw new IllegalArgumentException("bytes per connection must be positive, got [" + connectionBytes + "]");
        }
        long fit = Math.max(0, maxDirectBytes - maxDirectBytes / RESERVE_SHARE) / connectionBytes;
        int control = (int) Math.min(controlCap, Math.max(MIN_CONTROL, fit / CONTROL_SHARE));
        int http = (int) Math.max(1, Math.min(httpCap, fit - control));
        return new ConnectionBudget(http, control);
    }
}
