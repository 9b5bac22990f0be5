/**
 * {@code servctl}, the command-line client of the servd agent: {@code status}, {@code units},
 * {@code limits}, {@code set} over the agent's HTTP API (agent/API.md), {@code check} for unit files and
 * servd.conf, and {@code top} (sub-package {@code top}) reading cgroupfs directly. Exit codes are in
 * {@link io.servd.servctl.ExitCodes}. Property syntax as in systemd.resource-control(5):
 * <a href="https://www.freedesktop.org/software/systemd/man/latest/systemd.resource-control.html">systemd.resource-control</a>.
 */
package io.servd.servctl;
