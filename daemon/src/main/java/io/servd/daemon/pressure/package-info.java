/**
 * Living within the memory limits: watch memory pressure — systemd's {@code MemoryPressureWatch=}
 * protocol ({@code $MEMORY_PRESSURE_WATCH}, {@code $MEMORY_PRESSURE_WRITE}) where the service manager
 * sets it, else the own cgroup's {@code memory.pressure} PSI trigger — and {@code memory.current}
 * against {@code memory.high}/{@code memory.max}; give memory back (Netty's pooled caches, the
 * heap's free space, glibc's arenas) and, when that is not enough, shed new HTTP requests with
 * {@code 503} and {@code Retry-After} until pressure has stayed away long enough.
 *
 * <p>An application wires three things: a {@link io.servd.daemon.pressure.LoadShedder} (the state
 * and the decision), its {@link io.servd.daemon.pressure.LoadShedder#newHandler() handler} first in
 * each HTTP connection's pipeline, and a {@link io.servd.daemon.pressure.PressureWatch} (one thread
 * of its own, never an event loop) feeding it, with the limits of the application's
 * {@link io.servd.daemon.limits.LimitWatcher} (ancestors included; this package reads no limit file):
 *
 * <pre>{@code
 * LoadShedder shedder = LoadShedder.create(PressureOptions.defaults());
 * try (PressureWatch pressure = PressureWatch.start(shedder, env, limits)) { ... }
 * }</pre>
 *
 * @see <a href="https://systemd.io/MEMORY_PRESSURE/">systemd: Memory Pressure Handling</a>
 * @see <a href="https://docs.kernel.org/accounting/psi.html">Linux: Pressure Stall Information</a>
 */
package io.servd.daemon.pressure;
