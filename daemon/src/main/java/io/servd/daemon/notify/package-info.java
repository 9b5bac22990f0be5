/**
 * The service-manager notification protocol: a client for systemd's {@code NOTIFY_SOCKET}.
 *
 * <p>{@link io.servd.daemon.notify.Notifier#fromEnvironment(java.util.Map)} reads
 * {@code NOTIFY_SOCKET} (a filesystem path, or {@code @name} for the Linux abstract namespace) and
 * sends {@link io.servd.daemon.notify.NotifyMessage}s as single AF_UNIX datagrams through Netty's
 * native unix socket (jnr-unixsocket where Netty's epoll library is unavailable); file descriptors
 * ({@code FDSTORE=1}, {@code BARRIER=1}) travel as {@code SCM_RIGHTS} through a jnr-ffi
 * {@code sendmsg}, loaded for the first of them only. Not running under systemd is a normal
 * result: the notifier is then inactive and every send returns {@code false}.
 *
 * @see <a href="https://www.freedesktop.org/software/systemd/man/latest/sd_notify.html">sd_notify(3)</a>
 */
package io.servd.daemon.notify;
