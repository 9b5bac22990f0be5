package io.servd.daemon.notify;

import java.time.Duration;

/**
 * {@code CLOCK_MONOTONIC}: time since boot, not counting suspend, the clock systemd stamps
 * {@code MONOTONIC_USEC=} with.
 *
 * <p>{@link System#nanoTime()} is not a substitute: its origin is unspecified (HotSpot on Linux
 * happens to read {@code CLOCK_MONOTONIC}, other VMs need not), and {@code /proc/uptime} is
 * {@code CLOCK_BOOTTIME}, which also counts suspend. {@link #system()} therefore calls
 * {@code clock_gettime(2)} through jnr-ffi.
 */
@FunctionalInterface
public interface MonotonicClock {

    /**
     * The current reading, nanosecond resolution.
     *
     * @throws IllegalStateException if the clock cannot be read (not expected on Linux)
     */
    Duration now();

    /** {@code clock_gettime(CLOCK_MONOTONIC)} of the C library; loads it on first use. */
    static MonotonicClock system() {
        return () -> {
            LinuxLibc.Timespec ts = new LinuxLibc.Timespec(LinuxLibc.runtime());
            if (LinuxLibc.functions().clock_gettime(LinuxLibc.CLOCK_MONOTONIC, ts) != 0) {
                throw new IllegalStateException("clock_gettime(CLOCK_MONOTONIC) failed");
            }
            return Duration.ofSeconds(ts.tvSec.get(), ts.tvNsec.get());
        };
    }
}
