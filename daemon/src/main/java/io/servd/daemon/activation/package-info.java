/**
 * Socket activation: adopting the listening sockets systemd passes as {@code LISTEN_FDS}, named by
 * {@code LISTEN_FDNAMES} ({@code FileDescriptorName=} in the socket unit, or the names given with
 * {@code FDSTORE=1}), with the same strict rules as {@code sd_listen_fds_with_names(3)}.
 *
 * @see <a href="https://www.freedesktop.org/software/systemd/man/latest/sd_listen_fds.html">sd_listen_fds(3)</a>
 */
package io.servd.daemon.activation;
