/**
 * Logging that suits journald, without a logging backend: {@link io.servd.daemon.logging.JournalStream}
 * tells whether stderr is connected to the journal (its device and inode match
 * {@code JOURNAL_STREAM}), and {@link io.servd.daemon.logging.Journal} sends structured entries over
 * journald's native protocol, as go-systemd's {@code journal} package does. The Logback layout and
 * appender built on these live in the {@code servd-daemon-logback} module, so that a service which
 * logs through another backend gets no Logback.
 *
 * @see <a href="https://www.freedesktop.org/software/systemd/man/latest/sd-daemon.html">sd-daemon(3)</a>
 * @see <a href="https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#%24JOURNAL_STREAM">JOURNAL_STREAM in systemd.exec(5)</a>
 * @see <a href="https://systemd.io/JOURNAL_NATIVE_PROTOCOL/">Native Journal Protocol</a>
 */
package io.servd.daemon.logging;
