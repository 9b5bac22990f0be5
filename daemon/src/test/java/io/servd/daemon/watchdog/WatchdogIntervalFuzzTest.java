package io.servd.daemon.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servd.testsupport.NearMiss;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@code WATCHDOG_USEC}/{@code WATCHDOG_PID} as systemd sets them, then near misses of one of them or
 * one dropped (issue 12 item 6): {@link Watchdog#interval} returns an interval that {@code start} can
 * compute with, or empty, or throws {@link IllegalArgumentException} (its documented contract) naming
 * the variable and its raw value in brackets; nothing else escapes.
 */
class WatchdogIntervalFuzzTest {

    private static final long PID = 4242;

    @Property
    void intervalOrEmptyOrRejectionNamingTheVariableAndItsValue(@ForAll("environments") Map<String, String> env) {
        Optional<Duration> interval;
        try {
            interval = Watchdog.interval(env, PID);
        } catch (IllegalArgumentException e) {
            assertThat(Watchdog.ENVIRONMENT_VARIABLES).as("a variable named with its raw value: %s", e.getMessage())
                    .anyMatch(v -> env.containsKey(v) && e.getMessage().contains(v + " ")
                            && e.getMessage().endsWith(" [" + env.get(v) + "]"));
            return;
        }
        interval.ifPresent(i -> {
            assertThat(env.get("WATCHDOG_USEC")).matches("[+]?[0-9]+"); // as systemd's safe_atou64 reads it
            assertThat(i).isPositive();
            // start() schedules in nanoseconds: an interval must have a nanosecond count.
            assertThat(i.toNanos()).isEqualTo(Long.parseLong(env.get("WATCHDOG_USEC")) * 1000);
        });
    }

    @Example
    void usecBeyondLongNanosIsRejectedNotLeftToOverflowInStart() {
        // found by the property above: 2^63 - 1 usec parsed, then Watchdog.start's toNanos() threw ArithmeticException
        assertThatThrownBy(() -> Watchdog.interval(Map.of("WATCHDOG_USEC", "9223372036854775807"), PID))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("WATCHDOG_USEC out of range [9223372036854775807]");
        assertThatThrownBy(() -> Watchdog.interval(Map.of("WATCHDOG_USEC", "\u0661\u0662"), PID))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unparseable WATCHDOG_USEC [\u0661\u0662]");
    }

    @Provide
    Arbitrary<Map<String, String>> environments() {
        Arbitrary<Long> usec = Arbitraries.oneOf(Arbitraries.longs().between(1, 600_000_000L),
                Arbitraries.longs().between(1, Long.MAX_VALUE / 1000));
        Arbitrary<Map<String, String>> valid = Combinators.combine(usec, Arbitraries.of(PID, PID, 1L)).as((u, pid) -> {
            Map<String, String> env = new HashMap<>();
            env.put("WATCHDOG_USEC", Long.toString(u));
            env.put("WATCHDOG_PID", Long.toString(pid));
            return env;
        });
        return valid.flatMap(NearMiss::ofOneEntry);
    }
}
