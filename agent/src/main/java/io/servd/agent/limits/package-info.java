/**
 * Changing a unit's limits: a pure {@link io.servd.agent.limits.LimitsPlan}, carried out through
 * systemd's {@code SetUnitProperties} (D-Bus) or, without systemd, through cgroupfs and drop-ins. See
 * <a href="https://www.freedesktop.org/software/systemd/man/org.freedesktop.systemd1.html">org.freedesktop.systemd1(5)</a>.
 */
package io.servd.agent.limits;
