/**
 * Logback for a service under systemd: {@link io.servd.daemon.logback.SdDaemonLayout} prefixes each
 * line with its sd-daemon priority ({@code <3>} … {@code <7>}) and drops the timestamp when stderr
 * is the journal, {@link io.servd.daemon.logback.JournalAppender} sends structured entries over
 * journald's native protocol, and {@link io.servd.daemon.logback.RootLogLevel} changes the level
 * at run time. A separate module from {@code servd-daemon}, so that only services that choose
 * Logback get it.
 *
 * @see <a href="https://www.freedesktop.org/software/systemd/man/latest/sd-daemon.html">sd-daemon(3)</a>
 */
package io.servd.daemon.logback;
