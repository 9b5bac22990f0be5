/**
 * Logging that suits journald: when stderr is connected to the journal (its device and inode match
 * {@code JOURNAL_STREAM}), each line carries an sd-daemon priority prefix ({@code <3>} … {@code <7>})
 * and no timestamp, since journald records both itself; otherwise lines are timestamped for humans.
 * {@code logback.xml} selects this with {@link io.servd.daemon.logging.SdDaemonLayout}.
 *
 * @see <a href="https://www.freedesktop.org/software/systemd/man/latest/sd-daemon.html">sd-daemon(3)</a>
 * @see <a href="https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#%24JOURNAL_STREAM">JOURNAL_STREAM in systemd.exec(5)</a>
 */
package io.servd.daemon.logging;
