/**
 * The service state machine that drives systemd's view of servd through sd_notify:
 * {@code STARTING → READY → (RELOADING → READY)* → STOPPING → STOPPED}. See
 * <a href="https://www.freedesktop.org/software/systemd/man/latest/sd_notify.html">sd_notify(3)</a> and
 * {@code Type=notify} in <a href="https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html">systemd.service(5)</a>.
 */
package io.servd.daemon.lifecycle;
