/**
 * How servctl reaches the servd agent: HTTP over TCP ({@link io.servd.servctl.client.HttpAgentClient})
 * or over the control socket ({@link io.servd.servctl.client.UnixSocketAgentClient}), behind one
 * interface; both speak HTTP/1.1 through Netty's client codec (NIO transport). See RFC 9112 for the message format and unix(7) for AF_UNIX stream sockets.
 */
package io.servd.servctl.client;
