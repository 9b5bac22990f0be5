package io.servd.netpoll;

/**
 * User event fired down every open connection's pipeline when its server starts to drain
 * ({@link Server#drain(java.time.Duration)}). A protocol handler reacts in
 * {@code userEventTriggered}: close the connection now if no request is in flight, otherwise finish
 * the current response and close after it (for HTTP: {@code Connection: close}), as Go's
 * {@code http.Server.Shutdown} does. Connections still open at the drain deadline are closed. A
 * connection that has sent nothing yet receives the event only after its first read has passed
 * through the pipeline (or after a grace period), so its handler sees its first request first.
 */
public enum Draining {
    /** The server stopped accepting and wants this connection closed as soon as it is idle. */
    REQUESTED
}
