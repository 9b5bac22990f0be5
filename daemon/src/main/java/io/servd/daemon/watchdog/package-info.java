/**
 * systemd's service watchdog: whether it is enabled for this process ({@code WATCHDOG_USEC},
 * {@code WATCHDOG_PID}), and a pinger that sends {@code WATCHDOG=1} at half the interval only while
 * a liveness probe of the event loops succeeds, so that a stalled daemon is restarted.
 *
 * @see <a href="https://www.freedesktop.org/software/systemd/man/latest/sd_watchdog_enabled.html">sd_watchdog_enabled(3)</a>
 */
package io.servd.daemon.watchdog;
