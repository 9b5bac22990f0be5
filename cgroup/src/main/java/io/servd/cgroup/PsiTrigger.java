package io.servd.cgroup;

import java.time.Duration;
import java.util.Objects;

/**
 * A PSI trigger as written into a pressure file ({@code memory.pressure}, {@code /proc/pressure/memory}):
 * notify when tasks stalled for {@code stall} within any {@code window}. The kernel's format is
 * {@code "some|full STALL_USEC WINDOW_USEC"}, both in microseconds; it accepts windows from 500 ms to
 * 10 s and a stall no longer than the window ({@code kernel/sched/psi.c}), and an unprivileged writer
 * only windows that are a multiple of 2 s (Linux 6.5+) — which is why the defaults here use 2 s.
 *
 * @param full   {@code full} (all non-idle tasks stalled at once) rather than {@code some} (at least one)
 * @param stall  stall time that fires the trigger, whole microseconds, more than zero
 * @param window the window it is measured over, whole microseconds, 500 ms to 10 s
 * @see <a href="https://docs.kernel.org/accounting/psi.html#monitoring-for-pressure-thresholds">PSI: monitoring</a>
 */
public record PsiTrigger(boolean full, Duration stall, Duration window) {
    static final Duration WINDOW_MIN = Duration.ofMillis(500);
    static final Duration WINDOW_MAX = Duration.ofSeconds(10);

    public PsiTrigger {
        Objects.requireNonNull(stall, "stall");
        Objects.requireNonNull(window, "window");
        if (window.compareTo(WINDOW_MIN) < 0 || window.compareTo(WINDOW_MAX) > 0) {
            throw new IllegalArgumentException("PSI window must be 500ms to 10s, got [" + window + "]");
        }
        if (stall.isNegative() || stall.isZero() || stall.compareTo(window) > 0) {
            throw new IllegalArgumentException("PSI stall must be more than 0 and at most the window [" + window
                    + "], got [" + stall + "]");
        }
        if (stall.toNanos() % 1000 != 0 || window.toNanos() % 1000 != 0) {
            throw new IllegalArgumentException("PSI times are whole microseconds, got [" + stall + "] and [" + window + "]");
        }
    }

    /**
     * Parses {@code "some 150000 2000000"}.
     *
     * @throws IllegalArgumentException naming the value in brackets and what is wrong
     */
    public static PsiTrigger parse(String text) {
        String[] f = text.trim().split(" +");
        if (f.length != 3 || !(f[0].equals("some") || f[0].equals("full")) || !f[1].matches("[0-9]{1,9}")
                || !f[2].matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("expected a PSI trigger \"some|full STALL_USEC WINDOW_USEC\", got ["
                    + text + "]");
        }
        try {
            return new PsiTrigger(f[0].equals("full"), Duration.ofNanos(Long.parseLong(f[1]) * 1000),
                    Duration.ofNanos(Long.parseLong(f[2]) * 1000));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " in [" + text + "]", e);
        }
    }

    /** The kernel's text, {@code "some 150000 2000000"} (no terminator: the writer adds what the file needs). */
    public String format() {
        return (full ? "full " : "some ") + stall.toNanos() / 1000 + " " + window.toNanos() / 1000;
    }
}
